Feature: Requests for intervention
  From 1 January 2024 an MBE asks the central application for the intervention of VSB in a
  begeleiding with a request, sent within 30 days after the start (the date on the GP's
  prescription). Every request gets an answer: accepted with a VSB reference, under review, or
  refused with the problem named.

  Background:
    Given MBE Brugge with HCO number 76311284930 is recognised with a Circle-of-Trust declaration
    And MBE Gent with HCO number 76310888930 is recognised with a Circle-of-Trust declaration
    And An is affiliated with zorgkas 380 since 2024-01-01

  @REQ-RQ-DEADLINE
  Rule: The request arrives within 30 days after the start of the begeleiding

    Scenario Outline: A request sent <days> days after the start is <verdict>
      When MBE Brugge requests a new begeleiding for An starting 2024-03-01, sent on <sent>
      Then the request is <verdict>

      Examples:
        | days | sent       | verdict                                              |
        | 0    | 2024-03-01 | accepted                                             |
        | 30   | 2024-03-31 | accepted                                             |
        | 31   | 2024-04-01 | refused for REQ-RQ-DEADLINE at /begeleiding/startDate |

    @mbe
    Scenario Outline: The MBE software requests a begeleiding entered <when> within 30 days of its start
      Given the MBE software under test runs as MBE Brugge
      And the MBE software has taken on An
      When a begeleiding of An starts on 2024-03-01, entered in the software on <entered>
      And the MBE software runs on 2024-04-05
      Then the MBE software sent a request of type new for An starting 2024-03-01
      And the request for An arrived within the request deadline

      Examples:
        | when                      | entered    |
        | on its start date         | 2024-03-01 |
        | on the 30th day after it  | 2024-03-31 |

  @REQ-RQ-START-NOT-FUTURE
  Rule: The start date is not after the day the request arrives

    Scenario Outline: A request starting <when> is <verdict>
      When MBE Brugge requests a new begeleiding for An starting <start>, sent on 2024-03-10
      Then the request is <verdict>

      Examples:
        | when             | start      | verdict                             |
        | on the same day  | 2024-03-10 | accepted                            |
        | the day after    | 2024-03-11 | refused for REQ-RQ-START-NOT-FUTURE |

    @mbe
    Scenario: The MBE software requests a prescription entered ahead of its date no earlier than that date
      Given the MBE software under test runs as MBE Brugge
      And the MBE software has taken on An
      When a begeleiding of An starts on 2024-03-15, entered in the software on 2024-03-10
      And the MBE software runs on 2024-03-15
      Then the MBE software sent a request of type new for An starting 2024-03-15
      And the request for An arrived on or after its start date
      And the request for An arrived within the request deadline
      And nothing the MBE software sent broke REQ-RQ-START-NOT-FUTURE

  @REQ-RQ-REFERENCE
  Rule: An accepted request gets a unique VSB reference

    Scenario: Two accepted requests get two different VSB references
      Given Bo is affiliated with zorgkas 180 since 2024-01-01
      When MBE Brugge requests a new begeleiding for An starting 2024-03-01, sent on 2024-03-02
      Then the request is accepted with a VSB reference
      When MBE Brugge requests a new begeleiding for Bo starting 2024-03-01, sent on 2024-03-02
      Then the request is accepted with a VSB reference
      And the begeleidingen of An and Bo have different VSB references

  @REQ-RQ-TYPE-NEW
  Rule: A new request is for a patient new to the MBE; a returning patient needs a restart

    Scenario: A new request for a patient the MBE accompanied before is refused
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And An's begeleiding at MBE Brugge was stopped on 2024-03-20
      When MBE Brugge requests a new begeleiding for An starting 2024-04-01, sent on 2024-04-02
      Then the request is refused for REQ-RQ-TYPE-NEW

    Scenario: A new request at another MBE after a stop is accepted
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And An's begeleiding at MBE Brugge was stopped on 2024-03-20
      When MBE Gent requests a new begeleiding for An starting 2024-04-01, sent on 2024-04-02
      Then the request is accepted

    @mbe
    Scenario: The MBE software requests a restart, not a new begeleiding, for a patient it accompanied before
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When An's begeleiding ends on 2024-03-20 for reason stabilised
      And a begeleiding of An starts on 2024-04-02, entered in the software on 2024-04-02
      Then the MBE software sent a request of type restart for An starting 2024-04-02
      And the central application refused nothing the MBE software sent

  @REQ-RQ-TYPE-RESTART
  Rule: A restart needs an earlier, stopped begeleiding of the patient at the same MBE

    Scenario: A restart at the MBE that stopped the begeleiding is accepted
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And An's begeleiding at MBE Brugge was stopped on 2024-03-20
      When MBE Brugge requests a restart of the begeleiding of An starting 2024-04-01, sent on 2024-04-02
      Then the request is accepted with a VSB reference

    Scenario: A restart for a patient the MBE never accompanied is refused
      When MBE Brugge requests a restart of the begeleiding of An starting 2024-03-01, sent on 2024-03-02
      Then the request is refused for REQ-RQ-TYPE-RESTART

    Scenario: A restart at another MBE than the one that stopped is refused
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And An's begeleiding at MBE Brugge was stopped on 2024-03-20
      When MBE Gent requests a restart of the begeleiding of An starting 2024-04-01, sent on 2024-04-02
      Then the request is refused for REQ-RQ-TYPE-RESTART

    @mbe
    Scenario: The MBE software requests a new begeleiding for a patient only another MBE accompanied
      Given the MBE software under test runs as MBE Brugge
      And An has an accepted begeleiding at MBE Gent starting 2024-03-01
      And An's begeleiding at MBE Gent was stopped on 2024-03-20
      And the MBE software has taken on An
      When a begeleiding of An starts on 2024-04-02, entered in the software on 2024-04-02
      Then the MBE software sent a request of type new for An starting 2024-04-02
      And the central application refused nothing the MBE software sent

  @REQ-RQ-ONE-OPEN
  Rule: A patient has at most one open begeleiding; the other MBE must stop first

    Scenario: A request while the patient is accompanied by another MBE is refused
      Given An has an accepted begeleiding at MBE Gent starting 2024-03-01
      When MBE Brugge requests a new begeleiding for An starting 2024-03-10, sent on 2024-03-10
      Then the request is refused for REQ-RQ-ONE-OPEN

    Scenario: A request after the other MBE stopped is accepted
      Given An has an accepted begeleiding at MBE Gent starting 2024-03-01
      And An's begeleiding at MBE Gent was stopped on 2024-03-09
      When MBE Brugge requests a new begeleiding for An starting 2024-03-10, sent on 2024-03-10
      Then the request is accepted

    @mbe
    Scenario: The MBE software reports the end of a begeleiding before it requests the next one
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When An's begeleiding ends on 2024-03-20 for reason hospital admission
      And a begeleiding of An starts on 2024-04-02, entered in the software on 2024-04-02
      Then the MBE software sent the stop of An's begeleiding before its next request
      And nothing the MBE software sent broke REQ-RQ-ONE-OPEN

  @REQ-RQ-OVERLAP
  Rule: A begeleiding does not start before the stop of an earlier one of the patient

    Scenario Outline: A begeleiding starting <when> the earlier one stopped is <verdict>
      Given An has an accepted begeleiding at MBE Gent starting 2024-03-01
      And An's begeleiding at MBE Gent was stopped on 2024-03-20
      When MBE Brugge requests a new begeleiding for An starting <start>, sent on 2024-03-25
      Then the request is <verdict>

      Examples:
        | when          | start      | verdict                    |
        | the day after | 2024-03-21 | accepted                   |
        | on the day    | 2024-03-20 | accepted                   |
        | the day before | 2024-03-19 | refused for REQ-RQ-OVERLAP |

    @mbe
    Scenario: The MBE software takes a patient over on the day the other MBE stopped
      Given the MBE software under test runs as MBE Brugge
      And An has an accepted begeleiding at MBE Gent starting 2024-03-01
      And An's begeleiding at MBE Gent was stopped on 2024-03-20
      And the MBE software has taken on An
      When a begeleiding of An starts on 2024-03-20, entered in the software on 2024-03-21
      Then the MBE software sent a request of type new for An starting 2024-03-20
      And nothing the MBE software sent broke REQ-RQ-OVERLAP
      And the central application refused nothing the MBE software sent

  @REQ-RQ-CODELIST
  Rule: Diagnosis, referral, origin and accident code come from the rulebook's code lists

    Scenario Outline: A request with <field> "<code>" is <verdict>
      When MBE Brugge requests a new begeleiding for An starting 2024-03-01, sent on 2024-03-02, with <field> "<code>"
      Then the request is <verdict>

      Examples:
        | field         | code           | verdict                                                         |
        | diagnosis     | dementia       | accepted                                                        |
        | diagnosis     | sadness        | refused for REQ-RQ-CODELIST at /begeleiding/medical/diagnosis |
        | referral      | neighbour      | refused for REQ-RQ-CODELIST at /begeleiding/medical/referral  |
        | origin        | boat           | refused for REQ-RQ-CODELIST at /begeleiding/medical/origin    |
        | accident code | traffic-jam    | refused for REQ-RQ-CODELIST at /begeleiding/accidentCode      |
        | accident code | work-accident  | accepted                                                        |

    @mbe
    Scenario Outline: The MBE software sends the <field> entered, from the code list
      Given the MBE software under test runs as MBE Brugge
      And the MBE software has taken on An
      When a begeleiding of An starts on 2024-03-01 with <field> "<code>", entered in the software on 2024-03-01
      Then the request the MBE software sent for An has <field> "<code>"
      And nothing the MBE software sent broke REQ-RQ-CODELIST

      Examples:
        | field         | code            |
        | diagnosis     | dementia        |
        | referral      | patient-family  |
        | origin        | assisted-living |
        | accident code | work-accident   |

  @REQ-ID-INSZ
  Rule: The patient's INSZ is a valid national register or BIS number

    Scenario: A request with an INSZ whose check digits are wrong is refused
      When MBE Brugge requests a new begeleiding for An starting 2024-03-01, sent on 2024-03-02, with INSZ "85073003329"
      Then the request is refused for REQ-ID-INSZ at /insz

    @mbe
    Scenario Outline: The MBE software sends a patient's <number> with its check digits
      Given the MBE software under test runs as MBE Brugge
      And <given>
      And Bo is affiliated with zorgkas 180 since 2024-01-01
      And the MBE software started a begeleiding for Bo on 2024-03-01 that was accepted
      When the MBE's billing day is 2024-04-10
      Then every INSZ the MBE software sent is a valid national register or BIS number
      And the MBE software billed Bo's forfait to zorgkas 180
      And nothing the MBE software sent broke REQ-ID-INSZ

      Examples:
        | number                   | given                                    |
        | national register number | Bo has a national register number        |
        | BIS number               | Bo has a BIS number                      |

  @REQ-ID-RIZIV
  Rule: The GP's RIZIV number is a valid care-provider number of a physician

    Scenario Outline: A request whose GP has RIZIV number <riziv> is <verdict>
      When MBE Brugge requests a new begeleiding for An starting 2024-03-01, sent on 2024-03-02, with GP RIZIV number "<riziv>"
      Then the request is <verdict>

      Examples:
        | riziv       | verdict                                                       |
        | 11234578003 | accepted                                                      |
        | 11234599003 | refused for REQ-ID-RIZIV at /begeleiding/medical/gp/riziv   |

    @mbe
    Scenario: The MBE software sends the GP's RIZIV number as entered
      Given the MBE software under test runs as MBE Brugge
      And the MBE software has taken on An
      When a begeleiding of An starts on 2024-03-01 with GP RIZIV number "11234578003", entered in the software on 2024-03-01
      Then the request the MBE software sent for An has GP RIZIV number "11234578003"
      And nothing the MBE software sent broke REQ-ID-RIZIV
