Feature: Messages and answers
  Every message fits its JSON schema and gets exactly one answer: accepted, under review or
  refused. A refusal names, per problem, the requirement broken and the field. A message sent
  again under the same message id gets the same answer and is processed once; a refused
  message changes nothing.

  Background:
    Given MBE Brugge with HCO number 76311284930 is recognised with a Circle-of-Trust declaration
    And MBE Gent with HCO number 76310888930 is recognised with a Circle-of-Trust declaration
    And An is affiliated with zorgkas 380 since 2024-01-01
    And Bo is affiliated with zorgkas 380 since 2024-01-01

  @REQ-MSG-SCHEMA
  Rule: A message that breaks its schema is refused with the pointer of the offending field

    Scenario: A request with a field its schema does not know is refused at that field
      When MBE Brugge requests a new begeleiding for An starting 2024-03-01, sent on 2024-03-02, with an unknown field /begeleiding/remark
      Then the request is refused for REQ-MSG-SCHEMA at /begeleiding/remark

    Scenario: A stop with an intervention counted zero times is refused at the count
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge stops An's begeleiding on 2024-04-20 for reason stabilised, sent on 2024-04-21, with intervention count "0"
      Then the stop is refused for REQ-MSG-SCHEMA at /stop/interventions/0/count

    @mbe
    Scenario: Everything the MBE software sends in the life of a begeleiding fits its schema
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When the contact person of An's begeleiding becomes Bart Wouters on 2024-03-05
      And the accident code of An's begeleiding becomes work-accident on 2024-03-06
      And An's begeleiding ends on 2024-03-20 because of death at home
      And the MBE's billing day is 2024-04-10
      Then every message the MBE software sent fits its schema
      And nothing the MBE software sent broke REQ-MSG-SCHEMA

  @REQ-MSG-ANSWER
  Rule: Every message gets exactly one answer, replying to it with one outcome

    Scenario: Accepted, refused and under-review messages each get their answer
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge changes the accident code of An's begeleiding to work-accident on 2024-03-05
      Then the answer replies to that message with the outcome accepted
      When MBE Brugge changes the accident code of An's begeleiding to car-crash on 2024-03-06
      Then the answer replies to that message with the outcome refused
      When MBE Brugge stops An's begeleiding on 2024-04-20 for reason stabilised, sent on 2024-04-20
      Then the answer replies to that message with the outcome accepted
      When MBE Brugge changes the contact person of An's begeleiding to Bart Wouters on 2024-04-30
      Then the answer replies to that message with the outcome under review

  @REQ-MSG-IDEMPOTENT
  Rule: The same message id gets the same answer and is processed once; other content under it is refused

    Scenario: A stop sent twice gets the same answer and stops the begeleiding once
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge stops An's begeleiding on 2024-04-20 for reason stabilised, sent on 2024-04-21
      And MBE Brugge sends the same message again on 2024-04-22
      Then the stop is accepted
      And the answer is identical to the one before

    Scenario: Another message under a message id used before is refused and changes nothing
      When MBE Brugge requests a new begeleiding for An starting 2024-03-01, sent on 2024-03-02
      And MBE Brugge requests a new begeleiding for Bo starting 2024-03-01, sent on 2024-03-02, under the message id of An's request
      Then the request is refused for REQ-MSG-IDEMPOTENT at /messageId
      When MBE Brugge requests a new begeleiding for Bo starting 2024-03-01, sent on 2024-03-03
      Then the request is accepted with a VSB reference

  @REQ-MSG-REFUSAL-NAMES-PROBLEM
  Rule: A refusal names, for each problem, the requirement broken and the field

    Scenario: A stop with two problems is refused naming both
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge stops An's begeleiding on 2024-04-20 for reason stabilised, sent on 2024-04-21, with
        | field             | value    |
        | place of death    | home     |
        | intervention type | massage  |
      Then the stop is refused for REQ-ST-DEATH-PLACE at /stop/placeOfDeath
      And the stop is refused for REQ-ST-CODELIST at /stop/interventions/0/type
      And every error of the refusal names a requirement, a field of the message and a text

  @REQ-MSG-REFUSED-CHANGES-NOTHING
  Rule: A refused message changes nothing

    Scenario: A refused stop leaves the begeleiding open
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge stops An's begeleiding on 2024-04-20 for reason holiday, sent on 2024-04-21
      Then the stop is refused for REQ-ST-CODELIST at /stop/reason
      When MBE Gent requests a new begeleiding for An starting 2024-04-22, sent on 2024-04-22
      Then the request is refused for REQ-RQ-ONE-OPEN
      When MBE Brugge stops An's begeleiding on 2024-04-20 for reason stabilised, sent on 2024-04-22
      Then the stop is accepted

    Scenario: A refused request opens no begeleiding
      When MBE Brugge requests a new begeleiding for An starting 2024-03-01, sent on 2024-03-02, with diagnosis "flu"
      Then the request is refused for REQ-RQ-CODELIST at /begeleiding/medical/diagnosis
      When MBE Brugge requests a new begeleiding for An starting 2024-03-01, sent on 2024-03-03
      Then the request is accepted with a VSB reference
