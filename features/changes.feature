Feature: Changes to an accepted request
  Every change names the VSB reference the request got when it was accepted. An MBE may cancel
  the request, which deletes it for good, or change its administrative data: the contact person
  and the accident code, nothing else.

  Background:
    Given MBE Brugge with HCO number 76311284930 is recognised with a Circle-of-Trust declaration
    And MBE Gent with HCO number 76310888930 is recognised with a Circle-of-Trust declaration
    And An is affiliated with zorgkas 380 since 2024-01-01

  @REQ-CH-REFERENCE
  Rule: A change names the VSB reference of an accepted request of the sending MBE

    Scenario: A change naming a VSB reference that was never given is refused
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge changes the contact person of the begeleiding with VSB reference VSB-2024-9999999 to Bart Wouters on 2024-03-05
      Then the change is refused for REQ-CH-REFERENCE at /vsbReference

    @mbe
    Scenario: Every change the MBE software sends carries the VSB reference of the begeleiding
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When the contact person of An's begeleiding becomes Bart Wouters on 2024-03-05
      And the accident code of An's begeleiding becomes work-accident on 2024-03-06
      And An's begeleiding ends on 2024-04-20 for reason stabilised
      Then every message the MBE software sent about An carried its VSB reference
      And the central application refused nothing the MBE software sent

  @REQ-CH-CANCEL
  Rule: Cancelling an accepted request deletes it for good

    Scenario: After the cancellation every message with its reference is refused
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge cancels the request of An's begeleiding on 2024-03-05
      Then the cancellation is accepted
      When MBE Brugge stops An's begeleiding on 2024-03-06 for reason stabilised, sent on 2024-03-06
      Then the stop is refused for REQ-CH-CANCEL
      When MBE Brugge cancels the request of An's begeleiding on 2024-03-07
      Then the cancellation is refused for REQ-CH-CANCEL

    Scenario: A cancelled request leaves no begeleiding behind
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge cancelled the request of An's begeleiding on 2024-03-05
      When MBE Gent requests a new begeleiding for An starting 2024-03-06, sent on 2024-03-06
      Then the request is accepted with a VSB reference

    @mbe
    Scenario: The MBE software cancels a begeleiding entered by mistake and bills nothing for it
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When An's begeleiding is cancelled on 2024-03-05
      And the MBE's billing day is 2024-04-10
      Then the MBE software sent a cancellation about An
      And the MBE software billed nothing for An
      And nothing the MBE software sent broke REQ-CH-CANCEL

  @REQ-CH-ADMIN
  Rule: An administrative change changes the contact person or the accident code, nothing else

    Scenario Outline: A change of the accident code to <code> is <verdict>
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge changes the accident code of An's begeleiding to <code> on 2024-03-05
      Then the change is <verdict>

      Examples:
        | code          | verdict                                   |
        | work-accident | accepted                                  |
        | car-crash     | refused for REQ-CH-ADMIN at /accidentCode |

    Scenario: An administrative change cannot change the start date
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge changes the start date of An's begeleiding to 2024-03-02 with an administrative change on 2024-03-05
      Then the change is refused for REQ-CH-ADMIN or REQ-MSG-SCHEMA at /startDate

    @mbe
    Scenario: The MBE software changes the contact person and the accident code, and nothing else
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When the contact person of An's begeleiding becomes Bart Wouters on 2024-03-05
      And the accident code of An's begeleiding becomes work-accident on 2024-03-06
      Then the MBE software changed the contact person of An's begeleiding to Bart Wouters
      And the MBE software changed the accident code of An's begeleiding to work-accident
      And nothing the MBE software sent broke REQ-CH-ADMIN

  @REQ-CH-CANCEL-BILLED
  Rule: A request whose accepted forfait is not credited cannot be cancelled

    Scenario: Cancelling a request whose forfait was accepted is refused
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-10 billing the full forfait of An
      And that shipment was taken into processing
      When MBE Brugge cancels the request of An's begeleiding on 2024-04-15
      Then the cancellation is refused for REQ-CH-CANCEL-BILLED

    Scenario: Cancelling a request after its forfait was credited is accepted
      Given An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-10 billing the full forfait of An
      And that shipment was taken into processing
      And MBE Brugge credited the invoice of An
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-05-10
      And that shipment was taken into processing
      When MBE Brugge cancels the request of An's begeleiding on 2024-05-15
      Then the cancellation is accepted

    @mbe
    Scenario: The MBE software credits an accepted forfait before it cancels the request
      Given the MBE software under test runs as MBE Brugge
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      And the MBE's billing day was 2024-04-10
      When An's begeleiding is cancelled on 2024-04-20
      And the MBE's billing day is 2024-05-10
      Then the MBE software cancelled An's request only after the credit note of the forfait was accepted
      And nothing the MBE software sent broke REQ-CH-CANCEL-BILLED
