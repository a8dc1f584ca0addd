Feature: Credit notes and corrective invoices
  A credit note corrects a prestation that was accepted before; a rejected prestation needs no
  credit note and may be billed again, correctly, on a new original invoice. Chronology holds:
  the credit note and the corrective invoice go in separate shipments, the corrective one after
  the credit note was accepted. Where one faulty invoice is to be seen on its own, the shipment
  also bills 20 other members correctly, to stay below the 5 % threshold.

  Background:
    Given MBE Brugge with HCO number 76311284930 is recognised with a Circle-of-Trust declaration

  @REQ-BL-CREDIT-ACCEPTED
  Rule: A credit note credits only accepted lines, never more than was accepted

    Scenario: A credit note of an accepted forfait is accepted
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-10 billing the full forfait of An
      And that shipment was taken into processing
      When MBE Brugge credits the invoice of An
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-05-10
      Then the credit note of An is accepted, crediting the full forfait

    Scenario: A credit note of more than was accepted is rejected
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-10 billing the full forfait of An
      And that shipment was taken into processing
      And 20 other members of zorgkas 380 have an accepted begeleiding at MBE Brugge starting 2024-04-15
      When MBE Brugge credits the invoice of An for 3000.00
      And MBE Brugge bills the full forfaits of 20 other members
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-05-10
      Then the credit note of An is rejected for REQ-BL-CREDIT-ACCEPTED
      And the invoices of the other members are accepted

    Scenario: A credit note of a rejected prestation is rejected
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And 40 other members of zorgkas 380 have an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge billed the full forfait of An for 2000.00
      And MBE Brugge billed the full forfaits of 20 other members
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-10
      And the line of An was rejected for REQ-BL-TARIFF
      When MBE Brugge credits the invoice of An
      And MBE Brugge bills the full forfaits of 20 other members
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-05-10
      Then the credit note of An is rejected for REQ-BL-CREDIT-ACCEPTED
      And the invoices of the other members are accepted

    @mbe
    Scenario: The MBE software credits the accepted forfait of a begeleiding it cancels
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      And the MBE's billing day was 2024-04-10
      When An's begeleiding is cancelled on 2024-04-20
      And the MBE's billing day is 2024-05-10
      Then the MBE software credited An's accepted invoice for its full amount
      And nothing the MBE software sent broke REQ-BL-CREDIT-ACCEPTED

  @REQ-BL-CREDIT-CHRONOLOGY
  Rule: A corrective invoice comes in a later shipment than its credit note, after the credit note was accepted

    Scenario: A corrective invoice in the same shipment as its credit note is rejected
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-10 billing the full forfait of An
      And that shipment was taken into processing
      And 20 other members of zorgkas 380 have an accepted begeleiding at MBE Brugge starting 2024-04-15
      When MBE Brugge credits the invoice of An
      And MBE Brugge bills the reduced forfait of An
      And MBE Brugge bills the full forfaits of 20 other members
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-05-10
      Then the credit note of An is accepted, crediting the full forfait
      And the invoice of An is rejected for REQ-BL-CREDIT-CHRONOLOGY
      And the invoices of the other members are accepted

    Scenario: A corrective invoice in the shipment after its accepted credit note is accepted
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-10 billing the full forfait of An
      And that shipment was taken into processing
      And MBE Brugge credited the invoice of An
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-05-10
      And the credit note of An was accepted
      When MBE Brugge sends its shipment to zorgkas 380 on 2024-06-10 billing the reduced forfait of An
      Then the line of An is accepted at the reduced tariff

    @mbe
    Scenario: The MBE software bills nothing else for a begeleiding in the shipment that credits it
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      And the MBE's billing day was 2024-04-10
      When An's begeleiding is cancelled on 2024-04-20
      And the MBE's billing day is 2024-05-10
      And the MBE's billing day is 2024-06-10
      Then the MBE software billed nothing else for An in the shipment of its credit note
      And nothing the MBE software sent broke REQ-BL-CREDIT-CHRONOLOGY

  @REQ-BL-REBILL-REJECTED
  Rule: A rejected prestation is billed again, correctly, on a new original invoice, without a credit note

    Scenario: A forfait rejected for its amount is billed again correctly the next month
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And 20 other members of zorgkas 380 have an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge billed the full forfait of An for 2000.00
      And MBE Brugge billed the full forfaits of 20 other members
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-10
      And the line of An was rejected for REQ-BL-TARIFF
      When MBE Brugge sends its shipment to zorgkas 380 on 2024-05-10 billing the full forfait of An
      Then the line of An is accepted at the full tariff

    @mbe
    Scenario: The MBE software bills a rejected forfait again on a new original invoice, without a credit note
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started begeleidingen for 20 other members of zorgkas 380 on 2024-03-01 that were accepted
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      And the national register corrects An's affiliation to zorgkas 280 since 2024-01-01 just before the next shipment arrives
      When the MBE's billing day is 2024-04-10
      And the MBE's billing day is 2024-05-10
      Then the MBE software billed An's rejected forfait again to zorgkas 280 on a new original invoice
      And the MBE software sent no credit note for An
