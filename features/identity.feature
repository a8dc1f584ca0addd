Feature: Identity and access
  Only a recognised MBE, with a Circle-of-Trust declaration, exchanges data with the central
  application, from software holding the eHealth certificate of its own HCO number; the MBE a
  message names must be the one whose certificate sent it. Another MBE's begeleidingen answer
  exactly like ones that do not exist.

  Background:
    Given MBE Brugge with HCO number 76311284930 is recognised with a Circle-of-Trust declaration
    And MBE Gent with HCO number 76310888930 is recognised with a Circle-of-Trust declaration
    And An is affiliated with zorgkas 380 since 2024-01-01

  @REQ-MBE-KNOWN
  Rule: Messages come from a recognised MBE

    Scenario: A request from an MBE that is not recognised is refused
      Given MBE Nergens with HCO number 76319895930 is not recognised
      When MBE Nergens requests a new begeleiding for An starting 2024-03-01, sent on 2024-03-02
      Then the request is refused for REQ-MBE-KNOWN

    @mbe
    Scenario: The MBE software sends every message as the recognised MBE it runs as
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When An's begeleiding ends on 2024-03-20 for reason stabilised
      And the MBE's billing day is 2024-04-10
      Then every message the MBE software sent names MBE Brugge
      And nothing the MBE software sent broke REQ-MBE-KNOWN

  @REQ-MBE-COT
  Rule: An MBE without a Circle-of-Trust declaration may not exchange data

    Scenario: Neither a request nor a query of an MBE without a Circle-of-Trust declaration is answered
      Given MBE Proef with HCO number 76999984930 is recognised without a Circle-of-Trust declaration
      When MBE Proef requests a new begeleiding for An starting 2024-03-01, sent on 2024-03-02
      Then the request is refused for REQ-MBE-COT
      When MBE Proef asks the insurance status of An on 2024-03-02
      Then the query is refused for REQ-MBE-COT

    @mbe
    Scenario: The MBE software of an MBE with a Circle-of-Trust declaration exchanges all its messages
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When An's begeleiding ends on 2024-03-20 for reason stabilised
      And the MBE's billing day is 2024-04-10
      Then nothing the MBE software sent broke REQ-MBE-COT
      And the central application refused nothing the MBE software sent

  @REQ-MBE-CERTIFICATE
  Rule: The MBE a message names is the MBE whose certificate sent it

    Scenario: A request in the name of another MBE is refused and does not use up its message id
      When MBE Gent sends a request for An starting 2024-03-01 in the name of MBE Brugge, on 2024-03-02
      Then the request is refused for REQ-MBE-CERTIFICATE at /mbe
      When MBE Brugge sends that request with its own certificate on 2024-03-02
      Then the request is accepted with a VSB reference

    @mbe
    Scenario: The MBE software names in every message the MBE whose certificate it holds
      Given the MBE software under test runs as MBE Gent
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When the contact person of An's begeleiding becomes Bart Wouters on 2024-03-05
      And the MBE's billing day is 2024-04-10
      Then every message the MBE software sent names MBE Gent
      And nothing the MBE software sent broke REQ-MBE-CERTIFICATE

  @REQ-ID-HCO
  Rule: The MBE's number is a valid HCO number

    Scenario Outline: A request from an MBE whose HCO number <problem> is refused
      Given MBE Nergens with HCO number <hco> is recognised with a Circle-of-Trust declaration
      When MBE Nergens requests a new begeleiding for An starting 2024-03-01, sent on 2024-03-02
      Then the request is refused for REQ-ID-HCO at /mbe

      Examples:
        | problem                 | hco         |
        | has wrong check digits  | 76399984930 |
        | does not start with a 7 | 16319952930 |

    @mbe
    Scenario: The MBE software names its MBE by its HCO number in every message
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When the MBE's billing day is 2024-04-10
      Then every message the MBE software sent names MBE Brugge
      And nothing the MBE software sent broke REQ-ID-HCO

  @REQ-CH-REFERENCE
  Rule: Another MBE's VSB reference answers exactly like an unknown one

    Scenario: A change naming another MBE's begeleiding gets the answer for an unknown reference
      Given An has an accepted begeleiding at MBE Gent starting 2024-03-01
      When MBE Brugge changes the contact person of An's begeleiding at MBE Gent to Bart Wouters on 2024-03-05
      Then the change is refused for REQ-CH-REFERENCE at /vsbReference
      When MBE Brugge changes the contact person of the begeleiding with VSB reference VSB-2024-9999999 to Bart Wouters on 2024-03-05
      Then the last two answers are the same but for ids, times and references
