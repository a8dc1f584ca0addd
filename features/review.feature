Feature: Review by the staff of the zorgkas
  A message the central application cannot decide goes under review ("in beraad") in the queue
  of the patient's zorgkas. A staff member of that zorgkas decides it, accepted or refused,
  exactly once, and the decision reaches the MBE in its feed as the final answer. A patient who
  is not affiliated is reviewed by the zorgkas of their health insurer, or by the rulebook's
  default review zorgkas when no health insurer is known.

  Background:
    Given MBE Brugge with HCO number 76311284930 is recognised with a Circle-of-Trust declaration
    And MBE Gent with HCO number 76310888930 is recognised with a Circle-of-Trust declaration
    And An is affiliated with zorgkas 380 since 2024-01-01

  @REQ-RV-FINAL-DECISION
  Rule: Staff of the zorgkas decide a message under review once, and the MBE gets the decision

    Scenario: An accepted late change reaches the MBE as its one final answer
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And An's begeleiding at MBE Brugge was stopped on 2024-04-20 for reason stabilised
      And MBE Brugge cancelled the stop of An's begeleiding on 2024-05-02, which went under review
      When a staff member of zorgkas 380 accepts the message under review
      Then MBE Brugge finds the final decision accepted in its feed
      And MBE Gent finds no final decision in its feed
      When a staff member of zorgkas 380 refuses the message under review because of a second thought
      Then the decision is refused for REQ-RV-FINAL-DECISION
      And MBE Brugge finds the final decision accepted in its feed
      When MBE Gent requests a new begeleiding for An starting 2024-05-03, sent on 2024-05-03
      Then the request is refused for REQ-RQ-ONE-OPEN

    Scenario: A refused late change reaches the MBE and changes nothing
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And An's begeleiding at MBE Brugge was stopped on 2024-04-20 for reason stabilised
      And MBE Brugge cancelled the stop of An's begeleiding on 2024-05-02, which went under review
      When a staff member of zorgkas 380 refuses the message under review because the patient is in a care home now
      Then MBE Brugge finds the final decision refused in its feed
      When MBE Gent requests a new begeleiding for An starting 2024-05-03, sent on 2024-05-03
      Then the request is accepted with a VSB reference

    Scenario: An accepted request under review gets its VSB reference with the final decision
      Given Cas is not affiliated but can affiliate, insured by health insurer 300
      When MBE Brugge requests a new begeleiding for Cas starting 2024-03-01, sent on 2024-03-02
      Then the request is under review at the zorgkas of health insurer 300 for REQ-INS-CAN-AFFILIATE
      When a staff member of zorgkas 380 accepts the message under review
      Then MBE Brugge finds the final decision accepted with the VSB reference of Cas's begeleiding in its feed
      When MBE Brugge changes the contact person of Cas's begeleiding to Bart Wouters on 2024-03-05
      Then the change is accepted

  @REQ-RV-ZORGKAS-QUEUE
  Rule: A message under review waits in the queue of the patient's zorgkas, whose staff alone decide it

    Scenario: Staff of another zorgkas cannot decide a message under review
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And An's begeleiding at MBE Brugge was stopped on 2024-04-20 for reason stabilised
      And MBE Brugge cancelled the stop of An's begeleiding on 2024-05-02, which went under review
      When a staff member of zorgkas 180 tries to accept the message under review
      Then the decision is refused for REQ-RV-ZORGKAS-QUEUE
      And the message under review is not in the review queue of zorgkas 180
      And the message under review waits in the review queue of zorgkas 380
      And MBE Brugge finds no final decision in its feed

    Scenario: A patient who is not affiliated is reviewed by the zorgkas of their health insurer
      Given Cas is not affiliated but can affiliate, insured by health insurer 500
      When MBE Brugge requests a new begeleiding for Cas starting 2024-03-01, sent on 2024-03-02
      Then the request is under review at the zorgkas of health insurer 500 for REQ-INS-CAN-AFFILIATE

    Scenario: A patient with no known health insurer is reviewed by the default review zorgkas
      Given Dirk is not affiliated but can affiliate and has no known health insurer
      When MBE Brugge requests a new begeleiding for Dirk starting 2024-03-01, sent on 2024-03-02
      Then the request is under review at the rulebook's default review zorgkas for REQ-INS-CAN-AFFILIATE

  @REQ-RV-MBE-ACTS-ON-DECISION
  Rule: MBE software reads the final decision on a message under review from its feed and acts on it

    @mbe
    Scenario: The MBE software bills a begeleiding under the VSB reference of the final decision that accepted it
      Given the MBE software under test runs as MBE Brugge
      And Cas is not affiliated but can affiliate, insured by health insurer 300
      And the MBE software has taken on Cas
      When a begeleiding of Cas starts on 2024-03-01, entered in the software on 2024-03-01
      And Cas affiliates with zorgkas 380 with effect from 2024-01-01
      And a staff member of zorgkas 380 accepts the message of Cas under review on 2024-03-05
      And the MBE software reads its feed on 2024-03-06
      And the MBE's billing day is 2024-04-10
      Then the MBE software billed Cas's forfait to zorgkas 380
      And every invoice the MBE software sent for Cas names the VSB reference of the begeleiding

    @mbe
    Scenario: The MBE software bills nothing for a begeleiding whose request the zorgkas refused
      Given the MBE software under test runs as MBE Brugge
      And Cas is not affiliated but can affiliate, insured by health insurer 300
      And the MBE software has taken on Cas
      When a begeleiding of Cas starts on 2024-03-01, entered in the software on 2024-03-01
      And a staff member of zorgkas 380 refuses the message of Cas under review on 2024-03-05
      And the MBE software reads its feed on 2024-03-06
      And Cas affiliates with zorgkas 380 with effect from 2024-01-01
      And the MBE's billing day is 2024-04-10
      Then the MBE software billed nothing for Cas
      And the MBE software sent one request about Cas

    @mbe
    Scenario: The MBE software sends the change it held back once the final decision came
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When An's begeleiding ends on 2024-03-20 for reason stabilised
      And the contact person of An's begeleiding becomes Bart Wouters on 2024-03-28
      And the accident code of An's begeleiding becomes work-accident on 2024-03-28
      And a staff member of zorgkas 380 accepts the message of An under review on 2024-03-29
      And the MBE software reads its feed on 2024-03-29
      Then the MBE software changed the accident code of An's begeleiding to work-accident after the decision
