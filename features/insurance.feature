Feature: Insurance status
  An MBE may ask the insurance status of a person on a date, by INSZ; the central application
  checks the status itself on every request, on the start date. Affiliated (official or
  administrative, wherever the patient lives) opens the right to the intervention; a person who
  is not affiliated but can affiliate is reviewed; who cannot affiliate, who is unknown or who
  died before the start is refused.

  Background:
    Given MBE Brugge with HCO number 76311284930 is recognised with a Circle-of-Trust declaration

  @REQ-INS-QUERY
  Rule: The status query answers affiliated, can affiliate, cannot affiliate or unknown person

    Scenario: The status of an affiliated person names the zorgkas, the type and the period
      Given An is affiliated with zorgkas 380 since 2024-01-01
      When MBE Brugge asks the insurance status of An on 2024-03-04
      Then the insurance status is affiliated with zorgkas 380, official, since 2024-01-01

    Scenario: The status of a person who is not affiliated but can affiliate
      Given An is not affiliated but can affiliate, insured by health insurer 300
      When MBE Brugge asks the insurance status of An on 2024-03-04
      Then the insurance status is can affiliate

    Scenario: The status of a person who cannot affiliate names the reason
      Given An cannot affiliate, being a non-recognised asylum seeker
      When MBE Brugge asks the insurance status of An on 2024-03-04
      Then the insurance status is cannot affiliate, because asylum seeker not recognised

    Scenario: The status of a person unknown to the national register
      Given An is unknown to the national register
      When MBE Brugge asks the insurance status of An on 2024-03-04
      Then the insurance status is unknown person

  @REQ-INS-CHECK-ON-REQUEST
  Rule: The central application checks the insurance status on the start date of every request

    Scenario Outline: A request starting <start> for a patient affiliated until 2024-02-29 is <verdict>
      Given An is affiliated with zorgkas 380 from 2023-01-01 until 2024-02-29
      When MBE Brugge requests a new begeleiding for An starting <start>, sent on 2024-03-05
      Then the request is <verdict>

      Examples:
        | start      | verdict                                                  |
        | 2024-02-29 | accepted                                                 |
        | 2024-03-01 | under review at zorgkas 380 for REQ-INS-CAN-AFFILIATE   |

  @REQ-INS-UNKNOWN-PERSON
  Rule: A request for a person unknown to the national register is refused

    Scenario: A request for an unknown person is refused
      Given An is unknown to the national register
      When MBE Brugge requests a new begeleiding for An starting 2024-03-01, sent on 2024-03-02
      Then the request is refused for REQ-INS-UNKNOWN-PERSON

  @REQ-INS-CANNOT-AFFILIATE
  Rule: A request for a person who cannot affiliate is refused

    Scenario Outline: A request for <who> is refused
      Given An cannot affiliate, being <who>
      When MBE Brugge requests a new begeleiding for An starting 2024-03-01, sent on 2024-03-02
      Then the request is refused for REQ-INS-CANNOT-AFFILIATE

      Examples:
        | who                                          |
        | a non-recognised asylum seeker               |
        | struck ex officio from the national register |
        | an international official                    |
        | a temporary non-EU student                   |

  @REQ-INS-CAN-AFFILIATE
  Rule: A request for a patient who is not affiliated but can affiliate goes under review

    Scenario: The request goes to the zorgkas of the patient's health insurer
      Given An is not affiliated but can affiliate, insured by health insurer 300
      When MBE Brugge requests a new begeleiding for An starting 2024-03-01, sent on 2024-03-02
      Then the request is under review at zorgkas 380 for REQ-INS-CAN-AFFILIATE

    @mbe
    Scenario: The MBE software waits for the review of a patient who can affiliate, without asking again
      Given the MBE software under test runs as MBE Brugge
      And Cas is not affiliated but can affiliate, insured by health insurer 300
      And the MBE software has taken on Cas
      When a begeleiding of Cas starts on 2024-03-01, entered in the software on 2024-03-01
      And the MBE software reads its feed on 2024-03-04
      And the MBE's billing day is 2024-04-10
      Then the MBE software's request for Cas went under review at zorgkas 380
      And the MBE software sent one request about Cas
      And the MBE software billed nothing for Cas

  @REQ-INS-AFFILIATION-TYPES
  Rule: Official and administrative affiliation both open the right to the intervention

    Scenario Outline: A patient affiliated <how> is accepted
      Given <given>
      When MBE Brugge requests a new begeleiding for An starting 2024-03-01, sent on 2024-03-02
      Then the request is accepted with a VSB reference

      Examples:
        | how              | given                                                               |
        | officially       | An is affiliated with zorgkas 580 since 2024-01-01                  |
        | administratively | An is affiliated administratively with zorgkas 580 since 2024-01-01 |

  @REQ-INS-ANY-REGION
  Rule: Residence is no reason to refuse an affiliated patient

    Scenario Outline: An affiliated patient living in <region> is accepted
      Given An lives in <region> and is affiliated with zorgkas 680 since 2024-01-01
      When MBE Brugge requests a new begeleiding for An starting 2024-03-01, sent on 2024-03-02
      Then the request is accepted

      Examples:
        | region   |
        | Wallonia |
        | Brussels |
        | abroad   |

  @REQ-INS-DECEASED
  Rule: A begeleiding cannot start after the patient's death

    Scenario Outline: A request starting <when> the death is <verdict>
      Given An is affiliated with zorgkas 180 since 2024-01-01
      And An died on 2024-03-05
      When MBE Brugge requests a new begeleiding for An starting <start>, sent on 2024-03-08
      Then the request is <verdict>

      Examples:
        | when          | start      | verdict                         |
        | on the day of | 2024-03-05 | accepted                        |
        | the day after | 2024-03-06 | refused for REQ-INS-DECEASED    |

  @REQ-INS-MBE-CHECKS-BEFORE-BILLING
  Rule: MBE software checks the patient's insurance status before it invoices, to bill the right zorgkas

    @mbe
    Scenario: The MBE software asks An's insurance status before it bills An's zorgkas
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When the MBE's billing day is 2024-04-10
      Then the MBE software asked the insurance status of An before it billed them
      And the MBE software billed An's forfait to zorgkas 380
