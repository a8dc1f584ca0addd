Feature: Late changes to a closed begeleiding
  A begeleiding is closed on the day its stop was accepted. Changes within the late-change
  window of the rulebook (5 days) after closing are processed automatically; later ones go
  under review at the patient's zorgkas, whose staff contact the MBE.

  Background:
    Given the rulebook's late-change window is 5 days
    And MBE Brugge with HCO number 76311284930 is recognised with a Circle-of-Trust declaration
    And An is affiliated with zorgkas 380 since 2024-01-01

  @REQ-CH-LATE-WINDOW
  Rule: Changes after the late-change window go under review at the patient's zorgkas

    Scenario Outline: A change <days> days after closing is <verdict>
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And An's begeleiding at MBE Brugge was stopped on 2024-04-20 because of death at home
      When MBE Brugge changes the contact person of An's begeleiding to Bart Wouters on <sent>
      Then the change is <verdict>

      Examples:
        | days | sent       | verdict                                            |
        | 5    | 2024-04-25 | accepted                                           |
        | 6    | 2024-04-26 | under review at zorgkas 380 for REQ-CH-LATE-WINDOW |

    Scenario: The window counts from the day the stop was accepted, not from the stop date
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And An's begeleiding at MBE Brugge was stopped on 2024-04-10 for reason stabilised, sent on 2024-04-20
      When MBE Brugge changes the accident code of An's begeleiding to work-accident on 2024-04-25
      Then the change is accepted

    Scenario: A begeleiding that is not closed is changed automatically, however long it runs
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge changes the contact person of An's begeleiding to Bart Wouters on 2024-09-30
      Then the change is accepted
