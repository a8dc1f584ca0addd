Feature: Chronology: one message per begeleiding in processing
  Messages of one begeleiding are processed in order. While a message of the begeleiding is
  under review, every later message of it is refused; once a staff member of the zorgkas has
  decided, the begeleiding takes messages again.

  Background:
    Given MBE Brugge with HCO number 76311284930 is recognised with a Circle-of-Trust declaration
    And An is affiliated with zorgkas 380 since 2024-01-01
    And Bo is affiliated with zorgkas 380 since 2024-01-01

  @REQ-CH-ONE-IN-PROCESSING
  Rule: A message that arrives while an earlier one of the same begeleiding is under review is refused

    Scenario: A change waits for the decision on the message under review; other begeleidingen do not
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And Bo has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And An's begeleiding at MBE Brugge was stopped on 2024-04-20 for reason stabilised
      And MBE Brugge cancelled the stop of An's begeleiding on 2024-04-28, which went under review
      When MBE Brugge changes the contact person of An's begeleiding to Bart Wouters on 2024-04-29
      Then the change is refused for REQ-CH-ONE-IN-PROCESSING
      When MBE Brugge changes the contact person of Bo's begeleiding to Bart Wouters on 2024-04-29
      Then the change is accepted
      When a staff member of zorgkas 380 accepts the message under review
      And MBE Brugge changes the contact person of An's begeleiding to Bart Wouters on 2024-04-30
      Then the change is accepted

    Scenario: After a refusal by the zorgkas the begeleiding takes messages again
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And An's begeleiding at MBE Brugge was stopped on 2024-04-20 for reason stabilised
      And MBE Brugge changed the contact person of An's begeleiding to Bart Wouters on 2024-04-28, which went under review
      When MBE Brugge cancels the stop of An's begeleiding on 2024-04-29
      Then the cancellation is refused for REQ-CH-ONE-IN-PROCESSING
      When a staff member of zorgkas 380 refuses the message under review because the MBE withdrew it by phone
      And MBE Brugge cancels the stop of An's begeleiding on 2024-04-30
      Then the cancellation is under review at zorgkas 380 for REQ-CH-LATE-WINDOW

    @mbe
    Scenario: The MBE software holds a change back while a late change of the begeleiding is under review
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When An's begeleiding ends on 2024-03-20 for reason stabilised
      And the contact person of An's begeleiding becomes Bart Wouters on 2024-03-28
      And the accident code of An's begeleiding becomes work-accident on 2024-03-28
      And a staff member of zorgkas 380 accepts the message of An under review on 2024-03-29
      And the MBE software reads its feed on 2024-03-29
      Then the MBE software sent no message about An while one was under review
      And nothing the MBE software sent broke REQ-CH-ONE-IN-PROCESSING
