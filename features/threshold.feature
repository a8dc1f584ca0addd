Feature: The 5 % threshold of non-blocking errors
  An error of type F rejects one invoice, an error of type R one prestation line; neither blocks
  a shipment on its own. But when the faulty invoices and lines reach 5 % of the prestation
  lines of a shipment (the rulebook's threshold 0.05), the whole shipment is refused. One fault
  in 20 lines is 5 %: refused. One fault in 21 lines is 4.76 %: only the fault is rejected.

  Background:
    Given MBE Brugge with HCO number 76311284930 is recognised with a Circle-of-Trust declaration

  @REQ-BL-THRESHOLD
  Rule: When the F and R errors reach 5 % of the prestation lines, the whole shipment is refused

    Scenario Outline: One line with an R error among <lines> lines is <share>: <what>
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And <others> other members of zorgkas 380 have an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge bills the full forfait of An with a personal share of 50.00
      And MBE Brugge bills the full forfaits of <others> other members
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-04-10
      Then the shipment is <shipment>
      And the line of An is rejected for REQ-BL-NO-PERSONAL-SHARE

      Examples:
        | lines | share  | others | what                          | shipment                                 |
        | 20    | 5 %    | 19     | the whole shipment is refused | refused as a whole for REQ-BL-THRESHOLD  |
        | 21    | 4.76 % | 20     | only that line is rejected    | in processing                            |

    Scenario Outline: An F and an R error together among <lines> lines are <share>: <what>
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And Bert is affiliated with zorgkas 180 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And Bert has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And <others> other members of zorgkas 380 have an accepted begeleiding at MBE Brugge starting 2024-03-01
      When MBE Brugge bills the full forfait of An with a personal share of 50.00
      And MBE Brugge bills the full forfait of Bert
      And MBE Brugge bills the full forfaits of <others> other members
      And MBE Brugge sends its shipment to zorgkas 380 on 2024-04-10
      Then the shipment is <shipment>
      And the line of An is rejected for REQ-BL-NO-PERSONAL-SHARE
      And the invoice of Bert is rejected for REQ-BL-MEMBER

      Examples:
        | lines | share  | others | what                             | shipment                                 |
        | 40    | 5 %    | 38     | the whole shipment is refused    | refused as a whole for REQ-BL-THRESHOLD  |
        | 41    | 4.88 % | 39     | only the two faults are rejected | in processing                            |

  @REQ-BL-RESEND-REFUSED
  Rule: MBE software bills what a shipment refused as a whole held again, in a later shipment

    @mbe
    Scenario: The MBE software bills the forfaits of a shipment refused at 5 % again the next month
      Given the MBE software under test runs as MBE Brugge
      And An is affiliated with zorgkas 380 since 2024-01-01
      And Bert is affiliated with zorgkas 380 since 2024-01-01
      And the MBE software started a begeleiding for An on 2024-03-01 that was accepted
      And the MBE software started a begeleiding for Bert on 2024-03-15 that was accepted
      And the central application will refuse the next shipment for REQ-BL-THRESHOLD
      When the MBE's billing day is 2024-04-10
      And the MBE's billing day is 2024-05-10
      Then the MBE software billed An's forfait again, unchanged, after the shipment refused as a whole
      And the MBE software billed Bert's forfait again, unchanged, after the shipment refused as a whole
      And the MBE software sent zorgkas 380 one shipment in May 2024
