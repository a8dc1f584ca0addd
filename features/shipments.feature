Feature: Shipments and their B, F and R errors
  From February 2024 an MBE bills each zorgkas once a month with a shipment: the invoices of
  all its patients who are members of that zorgkas, one forfait per begeleiding, without a
  personal share. The central application answers every shipment with a settlement. A blocking
  error (B) refuses the whole shipment; an invoice error (F) rejects that invoice; a prestation
  error (R) rejects that line. Where one faulty invoice or line is to be seen on its own, the
  shipment also bills 20 other members correctly, so that the fault stays below the 5 %
  threshold (1 in 21 lines).

  Background:
    Given MBE Brugge with HCO number 76311284930 is recognised with a Circle-of-Trust declaration
    And MBE Gent with HCO number 76310888930 is recognised with a Circle-of-Trust declaration

  @REQ-BL-SCHEMA
  Rule: A shipment that does not conform to its schema is refused as a whole

    Scenario: A line amount written without cents makes the whole shipment refused
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge bills the full forfait of An for 2635
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-04-10
      Then the shipment is refused as a whole for REQ-BL-SCHEMA at /invoices/0/lines/0/amount

    @mbe
    Scenario: The shipment the MBE software sends fits its schema
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When the MBE's billing day is 2024-04-10
      Then every shipment the MBE software sent fits its schema
      And the MBE software billed An's forfait to zorgkas 380
      And nothing the MBE software sent broke REQ-BL-SCHEMA

  @REQ-BL-HEADER
  Rule: The totals in the shipment header match its content, and its send date is the day the shipment is received or at most 7 days before

    Scenario Outline: A shipment received on 2024-04-10 and dated <dated> is <what>
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge sends its shipment to zorgkas 380 on 2024-04-10, dated <dated>, billing the full forfait of An
      Then the shipment is <verdict>

      Examples:
        | dated      | what                                       | verdict                                           |
        | 2024-04-10 | taken, dated the day received              | in processing with every line accepted            |
        | 2024-04-03 | taken, dated 7 days before (the tolerance) | in processing with every line accepted            |
        | 2024-04-02 | refused, dated 8 days before               | refused as a whole for REQ-BL-HEADER at /sendDate |
        | 2024-04-11 | refused, dated the day after               | refused as a whole for REQ-BL-HEADER at /sendDate |

    Scenario Outline: A header declaring <declared> for one forfait refuses the whole shipment
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge bills the full forfait of An
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-04-10, declaring <declared> in its totals
      Then the shipment is refused as a whole for REQ-BL-HEADER at <pointer>

      Examples:
        | declared                  | pointer          |
        | 2 lines                   | /totals/lines    |
        | an amount of 2000.00      | /totals/amount   |

    Scenario: A shipment from an MBE without a Circle-of-Trust declaration is refused as a whole
      Given MBE Proef with HCO number 76999984930 is recognised without a Circle-of-Trust declaration
      And An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Proef bills the full forfait of An under the VSB reference of the begeleiding at MBE Brugge
      And MBE Proef sends its shipment to zorgkas 380 on 2024-04-10
      Then the shipment is refused as a whole for REQ-MBE-COT

    @mbe
    Scenario: The MBE software's shipment header names the MBE, the zorgkas and the day, and its totals add up
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And Bert is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      And the MBE software started a begeleiding for Bert on 2024-03-15 that was accepted
      When the MBE's billing day is 2024-04-10
      Then the MBE software's shipment to zorgkas 380 on 2024-04-10 names MBE Brugge and that day as its send date
      And the totals of every shipment the MBE software sent match its invoices
      And nothing the MBE software sent broke REQ-BL-HEADER

  @REQ-BL-FIRST-MONTH
  Rule: Zorgkassen accept shipments from February 2024 on

    Scenario Outline: A shipment sent on <sent> is <what>
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-01-10
      When MBE Brugge sends its shipment to zorgkas 380 on <sent> billing the full forfait of An
      Then the shipment is <verdict>

      Examples:
        | sent       | what                    | verdict                                   |
        | 2024-01-31 | refused, January 2024   | refused as a whole for REQ-BL-FIRST-MONTH |
        | 2024-02-01 | taken, February 2024    | in processing with every line accepted    |

    @mbe
    Scenario: The MBE software bills nothing before February 2024, then bills the forfait
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started a begeleiding for An on 2024-01-05 that was accepted
      When the MBE's billing day is 2024-01-20
      And the MBE's billing day is 2024-02-10
      Then the MBE software sent no shipment before 2024-02-01
      And the MBE software billed An's forfait to zorgkas 380

  @REQ-BL-ONE-PER-MONTH
  Rule: An MBE sends a zorgkas at most one shipment a calendar month, the month it is received; a refused one does not count

    Scenario Outline: After a shipment taken into processing on 2024-04-03, one sent on <sent> is <what>
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And Bert is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And Bert has an accepted begeleiding at MBE Brugge starting 2024-03-20
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-03 billing the full forfait of An
      And that shipment was taken into processing
      When MBE Brugge sends its shipment to zorgkas 380 on <sent> billing the full forfait of Bert
      Then the shipment is <verdict>

      Examples:
        | sent       | what                     | verdict                                     |
        | 2024-04-30 | refused, the same month  | refused as a whole for REQ-BL-ONE-PER-MONTH |
        | 2024-05-01 | taken, the next month    | in processing with every line accepted      |

    Scenario: A second shipment received in the month of the first is refused, though dated in the month before
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And Bert is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And Bert has an accepted begeleiding at MBE Brugge starting 2024-03-20
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-05-02 billing the full forfait of An
      And that shipment was taken into processing
      When MBE Brugge sends its shipment to zorgkas 380 on 2024-05-03, dated 2024-04-30, billing the full forfait of Bert
      Then the shipment is refused as a whole for REQ-BL-ONE-PER-MONTH

    Scenario: A second shipment in the month is taken when the first was refused as a whole
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge billed the full forfait of An for 2000.00
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-03
      And that shipment was refused as a whole
      When MBE Brugge sends its shipment to zorgkas 380 on 2024-04-20 billing the full forfait of An
      Then the shipment is in processing with every line accepted

    @mbe
    Scenario: The MBE software sends each zorgkas one shipment a month, however often it bills
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And Bert is affiliated with zorgkas 380 since 2024-01-01
      And Cas is affiliated with zorgkas 180 since 2024-01-01
      And Dirk is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      And the MBE software started a begeleiding for Bert on 2024-03-15 that was accepted
      And the MBE software started a begeleiding for Cas on 2024-03-20 that was accepted
      And the MBE software has taken on Dirk
      When the MBE's billing day is 2024-04-10
      And a begeleiding of Dirk starts on 2024-04-15, entered in the software on 2024-04-15
      And the MBE's billing day is 2024-04-25
      And the MBE's billing day is 2024-05-10
      Then the MBE software sent zorgkas 380 one shipment in April 2024
      And the MBE software sent zorgkas 180 one shipment in April 2024
      And the MBE software sent zorgkas 380 one shipment in May 2024
      And the MBE software billed Dirk's forfait to zorgkas 380

  @REQ-BL-NO-REQUEST
  Rule: An invoice names the VSB reference of an accepted request of the patient at this MBE

    Scenario: An invoice under the VSB reference of another MBE's begeleiding is rejected
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Gent starting 2024-03-01
      And 20 other members of zorgkas 380 have an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge bills the full forfait of An under the VSB reference of the begeleiding at MBE Gent
      And MBE Brugge bills the full forfaits of 20 other members
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-04-10
      Then the invoice of An is rejected for REQ-BL-NO-REQUEST
      And the invoices of the other members are accepted

    @mbe
    Scenario: The MBE software bills a begeleiding under the VSB reference its request got
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When the MBE's billing day is 2024-04-10
      Then every invoice the MBE software sent for An names the VSB reference of the begeleiding
      And nothing the MBE software sent broke REQ-BL-NO-REQUEST

  @REQ-BL-MEMBER
  Rule: The patient is a member of the billed zorgkas on the prestation date

    Scenario Outline: An, member of zorgkas 380 in 2024 and of 180 from 2025, billed to zorgkas <zorgkas> in January 2025
      Given An is affiliated with zorgkas 380 from 2024-01-01 until 2024-12-31
      And An is affiliated with zorgkas 180 since 2025-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-12-20
      And 20 other members of zorgkas <zorgkas> have an accepted begeleiding at MBE Brugge starting 2024-12-20
      When MBE Brugge bills the full forfait of An
      And MBE Brugge bills the full forfaits of 20 other members
      And MBE Brugge sends its shipment to zorgkas <zorgkas> on 2025-01-10
      Then <verdict>
      And the invoices of the other members are accepted

      Examples:
        | zorgkas | verdict                                          |
        | 380     | the line of An is accepted at the full tariff    |
        | 180     | the invoice of An is rejected for REQ-BL-MEMBER  |

    @mbe
    Scenario: The MBE software bills the zorgkas An was a member of on the start date, not on the billing day
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 from 2024-01-01 until 2024-12-31
      And An is affiliated with zorgkas 180 since 2025-01-01
      And the MBE software started a begeleiding for An on 2024-12-20 that was accepted
      When the MBE's billing day is 2025-01-10
      Then the MBE software billed An's forfait to zorgkas 380
      And nothing the MBE software sent broke REQ-BL-MEMBER

  @REQ-BL-TRANSITION
  Rule: A begeleiding started before 1 January 2024 is billed to the health insurer, not to a zorgkas

    Scenario: An invoice for a begeleiding of the old procedure is rejected
      Given An is affiliated with zorgkas 380 since 2023-01-01
      And An's begeleiding at MBE Brugge started on 2023-12-15, before the transition, without a request
      And 20 other members of zorgkas 380 have an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge bills the full forfait of An
      And MBE Brugge bills the full forfaits of 20 other members
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-04-10
      Then the invoice of An is rejected for REQ-BL-TRANSITION
      And the invoices of the other members are accepted

    @mbe
    Scenario: The MBE software bills a begeleiding started in 2023 to the health insurer, not to a zorgkas
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2023-01-01
      And the MBE software has taken on An
      When a begeleiding of An starts on 2023-12-15, entered in the software on 2024-01-05
      And the MBE's billing day is 2024-02-10
      Then the MBE software billed nothing for An
      And the MBE software billed An to the health insurer

  @REQ-BL-AFTER-DEATH
  Rule: A deceased patient is billed in a shipment received at most 2 months after the death

    Scenario Outline: An died on 2024-03-15; a shipment sent on <sent> is <what>
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And An died on 2024-03-15
      And 20 other members of zorgkas 380 have an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge bills the full forfait of An
      And MBE Brugge bills the full forfaits of 20 other members
      And MBE Brugge sends its shipment to zorgkas 380 on <sent>
      Then <verdict>
      And the invoices of the other members are accepted

      Examples:
        | sent       | what                         | verdict                                              |
        | 2024-05-15 | in time, the last day        | the line of An is accepted at the full tariff        |
        | 2024-05-16 | too late, the day after      | the invoice of An is rejected for REQ-BL-AFTER-DEATH |

    Scenario: An died on 2024-03-15; a shipment received on 2024-05-16, dated 2024-05-15, is too late
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And An died on 2024-03-15
      And 20 other members of zorgkas 380 have an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge bills the full forfait of An
      And MBE Brugge bills the full forfaits of 20 other members
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-05-16, dated 2024-05-15
      Then the invoice of An is rejected for REQ-BL-AFTER-DEATH
      And the invoices of the other members are accepted

    Scenario: An died on 2024-03-15; a shipment received in July but dated in May is too late
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And An died on 2024-03-15
      When MBE Brugge bills the full forfait of An
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-07-10, dated 2024-05-10
      Then the invoice of An is rejected for REQ-BL-AFTER-DEATH
      And the shipment is refused as a whole for REQ-BL-HEADER at /sendDate

    @mbe
    Scenario Outline: An died on 2024-03-15; the MBE software's first billing day after it <when>
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      And An died on 2024-03-15
      When An's begeleiding ends on 2024-03-15 because of death at home
      And the MBE's billing day is <day>
      Then <verdict>

      Examples:
        | when                            | day        | verdict                                             |
        | is the last day of the 2 months | 2024-05-15 | the MBE software billed An's forfait to zorgkas 380 |
        | comes a day too late            | 2024-05-16 | the MBE software billed nothing for An              |

  @REQ-BL-INVOICE-UNIQUE
  Rule: An MBE uses an invoice number once

    Scenario: An invoice numbered like an invoice of an earlier shipment is rejected
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And Bert is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-10 billing the full forfait of An
      And that shipment was taken into processing
      And Bert has an accepted begeleiding at MBE Brugge starting 2024-04-15
      And 20 other members of zorgkas 380 have an accepted begeleiding at MBE Brugge starting 2024-04-15
      When MBE Brugge bills the full forfait of Bert reusing the invoice number of An
      And MBE Brugge bills the full forfaits of 20 other members
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-05-10
      Then the invoice of Bert is rejected for REQ-BL-INVOICE-UNIQUE
      And the invoices of the other members are accepted

    @mbe
    Scenario: The MBE software numbers every invoice once, month after month
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And Bert is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      And the MBE's billing day was 2024-04-10
      And the MBE software has taken on Bert
      When a begeleiding of Bert starts on 2024-04-15, entered in the software on 2024-04-15
      And the MBE's billing day is 2024-05-10
      Then every invoice number the MBE software sent is used once
      And the MBE software billed Bert's forfait to zorgkas 380
      And nothing the MBE software sent broke REQ-BL-INVOICE-UNIQUE

  @REQ-BL-CODE
  Rule: A prestation line carries a prestation code of the rulebook

    Scenario: A line under a code that is not the full nor the reduced forfait is rejected
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And 20 other members of zorgkas 380 have an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge bills the full forfait of An under prestation code 771011
      And MBE Brugge bills the full forfaits of 20 other members
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-04-10
      Then the line of An is rejected for REQ-BL-CODE
      And the invoices of the other members are accepted

    @mbe
    Scenario: The MBE software bills the forfait under a prestation code of the rulebook
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When the MBE's billing day is 2024-04-10
      Then every line the MBE software billed carries the code of the full or the reduced forfait
      And nothing the MBE software sent broke REQ-BL-CODE

  @REQ-BL-TARIFF
  Rule: A line bills the MBE's tariff for its code on the prestation date

    Scenario Outline: A begeleiding starting <start> billed at the tariff in force on 2024-10-31
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting <start>
      And 20 other members of zorgkas 380 have an accepted begeleiding at MBE Brugge starting <start>
      When MBE Brugge bills the full forfait of An at the tariff in force on 2024-10-31
      And MBE Brugge bills the full forfaits of 20 other members
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-11-20
      Then <verdict>
      And the invoices of the other members are accepted

      Examples:
        | start      | verdict                                        |
        | 2024-10-31 | the line of An is accepted at the full tariff  |
        | 2024-11-01 | the line of An is rejected for REQ-BL-TARIFF   |

    @mbe
    Scenario Outline: The MBE software bills a begeleiding starting <start> at the tariff in force on its start date
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started a begeleiding for An on <start> that was accepted
      When the MBE's billing day is 2024-11-20
      Then the MBE software billed An's forfait at MBE Brugge's full tariff in force on <start>

      Examples:
        | start      |
        | 2024-10-31 |
        | 2024-11-01 |

  @REQ-BL-DATE
  Rule: The prestation date is the start date of the begeleiding

    Scenario: A forfait dated the day after the start is rejected
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And 20 other members of zorgkas 380 have an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge bills the full forfait of An dated 2024-03-02
      And MBE Brugge bills the full forfaits of 20 other members
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-04-10
      Then the line of An is rejected for REQ-BL-DATE
      And the invoices of the other members are accepted

    @mbe
    Scenario: The MBE software dates the forfait on the start date of the begeleiding
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When the MBE's billing day is 2024-04-10
      Then the prestation date of An's forfait is 2024-03-01

  @REQ-BL-ONE-FORFAIT
  Rule: One forfait per begeleiding

    Scenario: A second forfait of a begeleiding whose first was accepted is rejected
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-10 billing the full forfait of An
      And that shipment was taken into processing
      And 20 other members of zorgkas 380 have an accepted begeleiding at MBE Brugge starting 2024-04-15
      When MBE Brugge bills the reduced forfait of An
      And MBE Brugge bills the full forfaits of 20 other members
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-05-10
      Then the line of An is rejected for REQ-BL-ONE-FORFAIT
      And the invoices of the other members are accepted

    Scenario: Of two forfaits of a begeleiding in one shipment, the second is rejected
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And 20 other members of zorgkas 380 have an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge bills the full forfait of An twice
      And MBE Brugge bills the full forfaits of 20 other members
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-04-10
      Then line 1 of An is accepted at the full tariff
      And line 2 of An is rejected for REQ-BL-ONE-FORFAIT

    @mbe
    Scenario: The MBE software bills a begeleiding's forfait once, however many billing days pass
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When the MBE's billing day is 2024-04-10
      And the MBE's billing day is 2024-05-10
      And An's begeleiding ends on 2024-05-20 for reason stabilised
      And the MBE's billing day is 2024-06-10
      Then the MBE software billed An's forfait once

  @REQ-BL-NO-PERSONAL-SHARE
  Rule: An invoice holds no personal share

    Scenario: A line with a personal share is rejected
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And 20 other members of zorgkas 380 have an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge bills the full forfait of An with a personal share of 50.00
      And MBE Brugge bills the full forfaits of 20 other members
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-04-10
      Then the line of An is rejected for REQ-BL-NO-PERSONAL-SHARE
      And the invoices of the other members are accepted

    @mbe
    Scenario: The MBE software bills no personal share
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When the MBE's billing day is 2024-04-10
      Then every line the MBE software billed has no personal share

  @REQ-BL-NOT-UNDER-REVIEW
  Rule: MBE software bills nothing for a begeleiding while its request or a message of it is under review

    @mbe
    Scenario: The MBE software bills nothing while a late change is under review, and bills once it was decided
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      When An's begeleiding ends on 2024-03-20 for reason stabilised
      And the contact person of An's begeleiding becomes Bart Wouters on 2024-03-28
      And the MBE's billing day is 2024-04-10
      Then the MBE software billed nothing for An
      When a staff member of zorgkas 380 accepts the message of An under review on 2024-04-12
      And the MBE software reads its feed on 2024-04-12
      And the MBE's billing day is 2024-05-10
      Then the MBE software billed An's forfait to zorgkas 380

    @mbe
    Scenario: The MBE software bills nothing while the request is under review
      Given the MBE software under test runs as MBE Brugge
      And Cas is not affiliated but can affiliate, insured by health insurer 300
      And the MBE software has taken on Cas
      When a begeleiding of Cas starts on 2024-03-01, entered in the software on 2024-03-01
      And Cas affiliates with zorgkas 380 with effect from 2024-01-01
      And the MBE's billing day is 2024-04-10
      Then the MBE software billed nothing for Cas
