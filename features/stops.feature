Feature: Stops
  Every begeleiding ends with a stop: its date, the reason, the interventions of the MBE and
  the contacts with first-line care providers, each counted per type, from the rulebook's code
  lists. A stop because of death names the place of death. A begeleiding is stopped once; a
  stop can be cancelled while the patient has no other begeleiding since.

  Background:
    Given MBE Brugge with HCO number 76311284930 is recognised with a Circle-of-Trust declaration
    And MBE Gent with HCO number 76310888930 is recognised with a Circle-of-Trust declaration
    And An is affiliated with zorgkas 380 since 2024-01-01

  @REQ-ST-REQUIRED-DATA
  Rule: A stop carries its date, reason, interventions and first-line contacts; the rest is optional

    Scenario Outline: A stop without <missing> is refused
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge stops An's begeleiding on 2024-04-20 for reason stabilised, sent on 2024-04-21, without <missing>
      Then the stop is refused for missing its <missing>

      Examples:
        | missing             |
        | first-line contacts |

    Scenario: A stop without a reason for non-billing, a place of death or a medical report is accepted
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge stops An's begeleiding on 2024-04-20 for reason stabilised, sent on 2024-04-21, without non-billing reason, place of death and medical report
      Then the stop is accepted

    @mbe
    Scenario: The MBE software reports the end of a begeleiding with everything a stop carries
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When An's begeleiding ends on 2024-04-20 for reason stabilised
      Then the stop the MBE software sent for An is dated 2024-04-20, for reason stabilised
      And the stop the MBE software sent for An reports the interventions and first-line contacts of the ending
      And nothing the MBE software sent broke REQ-ST-REQUIRED-DATA

  @REQ-ST-CODELIST
  Rule: Stop codes come from the rulebook's code lists, and each type is counted once

    Scenario Outline: A stop with <field> "<code>" is <verdict>
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge stops An's begeleiding on 2024-04-20 for reason stabilised, sent on 2024-04-21, with <field> "<code>"
      Then the stop is <verdict>

      Examples:
        | field              | code      | verdict                                                                |
        | provider type      | shaman    | refused for REQ-ST-CODELIST at /stop/firstLineContacts/0/providerType |
        | non-billing reason | forgot-it | refused for REQ-ST-CODELIST at /stop/nonBillingReason                  |

    Scenario: A stop that counts the same first-line contact twice is refused
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge stops An's begeleiding on 2024-04-20 for reason stabilised, sent on 2024-04-21, with the first-line contact listed twice
      Then the stop is refused for REQ-ST-CODELIST at /stop/firstLineContacts/1

    @mbe
    Scenario: The MBE software counts each intervention type once, however the MBE entered it
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When An's begeleiding ends on 2024-04-20 for reason stabilised, after these interventions
        | type          | count |
        | home-visit    | 4     |
        | phone-contact | 2     |
        | home-visit    | 1     |
      Then the stop the MBE software sent for An counts 5 interventions of type home-visit
      And the stop the MBE software sent for An counts 2 interventions of type phone-contact
      And the stop the MBE software sent for An reports the interventions and first-line contacts of the ending
      And nothing the MBE software sent broke REQ-ST-CODELIST

  @REQ-ST-DATE
  Rule: The stop date is not before the start and not after the day the stop arrives

    Scenario Outline: A stop dated <when> is <verdict>
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge stops An's begeleiding on <stopped> for reason stabilised, sent on 2024-03-10
      Then the stop is <verdict>

      Examples:
        | when                     | stopped    | verdict                               |
        | the day before the start | 2024-02-29 | refused for REQ-ST-DATE at /stop/date |
        | on the start             | 2024-03-01 | accepted                              |
        | the day after it is sent | 2024-03-11 | refused for REQ-ST-DATE at /stop/date |

    @mbe
    Scenario: The MBE software dates a stop entered two days late on the day the begeleiding ended
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When An's begeleiding ends on 2024-04-20 for reason hospital admission, entered in the software on 2024-04-22
      Then the stop the MBE software sent for An is dated 2024-04-20, for reason hospital admission
      And nothing the MBE software sent broke REQ-ST-DATE

  @REQ-ST-DEATH-PLACE
  Rule: A stop because of death names the place of death, and only such a stop does

    Scenario: A stop because of death without the place of death is refused
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge stops An's begeleiding on 2024-04-20 for reason death, sent on 2024-04-21, without place of death
      Then the stop is refused for REQ-ST-DEATH-PLACE at /stop/placeOfDeath

    Scenario: A place of death on a stop for another reason is refused
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge stops An's begeleiding on 2024-04-20 for reason hospital-admission, sent on 2024-04-21, with place of death "hospital"
      Then the stop is refused for REQ-ST-DEATH-PLACE at /stop/placeOfDeath

    @mbe
    Scenario Outline: A stop the MBE software sends <case>
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When An's begeleiding ends on 2024-04-20 <ending>
      Then the stop the MBE software sent for An says <says>
      And the central application refused nothing the MBE software sent

      Examples:
        | case                                          | ending                        | says                                        |
        | because of death names the place of death     | because of death at home      | death at home                               |
        | for a hospital admission names no such place  | for reason hospital admission | hospital admission without a place of death |

  @REQ-ST-ONCE
  Rule: A begeleiding is stopped once; to stop it again, cancel the stop first

    Scenario: A second stop is refused until the first is cancelled
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And An's begeleiding at MBE Brugge was stopped on 2024-04-20 for reason hospital-admission
      When MBE Brugge stops An's begeleiding on 2024-04-22 because of death at hospital, sent on 2024-04-22
      Then the stop is refused for REQ-ST-ONCE
      When MBE Brugge cancels the stop of An's begeleiding on 2024-04-23
      And MBE Brugge stops An's begeleiding on 2024-04-22 because of death at hospital, sent on 2024-04-23
      Then the stop is accepted

    @mbe
    Scenario: The MBE software reports the end of a begeleiding once
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When An's begeleiding ends on 2024-04-20 because of death at home
      And the MBE software reads its feed on 2024-04-21
      And the MBE's billing day is 2024-05-10
      Then the MBE software sent one stop about An
      And nothing the MBE software sent broke REQ-ST-ONCE

  @REQ-CS-STOPPED
  Rule: Cancelling a stop needs a stopped begeleiding and no other begeleiding of the patient since

    Scenario: Cancelling the stop of a begeleiding that is not stopped is refused
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge cancels the stop of An's begeleiding on 2024-03-10
      Then the cancellation is refused for REQ-CS-STOPPED

    Scenario: Cancelling a stop after another MBE took over is refused
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And An's begeleiding at MBE Brugge was stopped on 2024-04-20 for reason other-mbe
      And An has an accepted begeleiding at MBE Gent starting 2024-04-20
      When MBE Brugge cancels the stop of An's begeleiding on 2024-04-22
      Then the cancellation is refused for REQ-CS-STOPPED

    @mbe
    Scenario: The MBE software leaves the stop alone once another MBE took the patient over
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      And An's begeleiding ended on 2024-04-20 for reason other mbe
      And An has an accepted begeleiding at MBE Gent starting 2024-04-20
      When the MBE software reads its feed on 2024-04-25
      And the MBE's billing day is 2024-05-10
      Then the MBE software sent no cancellation of the stop about An
      And the MBE software billed An's forfait to zorgkas 380
      And nothing the MBE software sent broke REQ-CS-STOPPED
