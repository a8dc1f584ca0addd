Feature: Review of lines, signing, settlement and payment
  The central application decides every prestation line it can. A line it cannot decide (the
  stop of the begeleiding gave a reason for non-billing) waits under review for staff of the
  patient's zorgkas, who approve or refuse it. When every line is decided, a staff member signs
  the shipment: the MBE gets the signed settlement and the zorgkas a payment order, due 42 days
  (6 weeks) after the signing. Another staff member than the one who signed the shipment or
  decided one of its lines records the payment (separation of duties, a rulebook policy).

  Background:
    Given MBE Brugge with HCO number 76311284930 is recognised with a Circle-of-Trust declaration

  @REQ-BL-REVIEW
  Rule: Lines under review are decided by zorgkas staff; a shipment is signed once every line is decided

    Scenario: The forfait of a begeleiding stopped with a reason for non-billing waits for staff of the zorgkas
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge reported a reason for non-billing when it stopped An's begeleiding on 2024-03-20
      When MBE Brugge sends its shipment to zorgkas 380 on 2024-04-10 billing the full forfait of An
      Then the line of An goes under review for REQ-BL-REVIEW
      And the line of An is in the billing review queue of zorgkas 380
      And the line of An is not in the billing review queue of zorgkas 180
      And the shipment is not ready for signing by zorgkas 380

    Scenario: A shipment with a line still under review cannot be signed
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge reported a reason for non-billing when it stopped An's begeleiding on 2024-03-20
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-10 billing the full forfait of An
      When staff of zorgkas 380 sign the shipment of MBE Brugge on 2024-04-12
      Then signing the shipment is refused for REQ-BL-REVIEW

    Scenario Outline: Staff decide the line under review (<outcome>), and the shipment can be signed
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge reported a reason for non-billing when it stopped An's begeleiding on 2024-03-20
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-10 billing the full forfait of An
      When staff of zorgkas 380 <decision>
      Then <verdict>
      And the shipment is ready for signing by zorgkas 380

      Examples:
        | outcome  | decision                                                                              | verdict                                       |
        | approved | approve the line of An                                                                | the line of An is accepted at the full tariff |
        | refused  | refuse the line of An because the MBE made no relatively important contribution      | the line of An is rejected for REQ-BL-REVIEW  |

  @REQ-BL-SETTLEMENT
  Rule: A signed shipment gives the MBE a settlement and the zorgkas a payment order

    Scenario: Signing a shipment of two accepted forfaits
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And Bert is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And Bert has an accepted begeleiding at MBE Brugge starting 2024-03-15
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-10 billing the full forfaits of An and Bert
      When staff of zorgkas 380 sign the shipment of MBE Brugge on 2024-04-12
      Then MBE Brugge receives the signed settlement of its shipment
      And zorgkas 380 has a payment order to MBE Brugge for the full forfaits of An and Bert

    Scenario: A forfait refused by staff is not in the payment order
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And Bert is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And Bert has an accepted begeleiding at MBE Brugge starting 2024-03-15
      And MBE Brugge reported a reason for non-billing when it stopped An's begeleiding on 2024-03-20
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-10 billing the full forfaits of An and Bert
      When staff of zorgkas 380 refuse the line of An because the MBE made no relatively important contribution
      And staff of zorgkas 380 sign the shipment of MBE Brugge on 2024-04-12
      Then MBE Brugge receives the signed settlement of its shipment
      And zorgkas 380 has a payment order to MBE Brugge for the full forfait of Bert

  @REQ-BL-PAYMENT-TERM
  Rule: The zorgkas pays the MBE within the payment term of 42 days after signing, and the MBE's feed says what was paid

    Scenario Outline: A shipment signed on <signed> is due on <due>
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting <start>
      And MBE Brugge sent its shipment to zorgkas 380 on <sent> billing the full forfait of An
      When staff of zorgkas 380 sign the shipment of MBE Brugge on <signed>
      And zorgkas 380 pays the payment order on <due>
      Then the payment order is due on <due>
      And the payment order is paid on <due>
      And MBE Brugge finds the payment of its shipment on <due> in its feed

      Examples:
        | start      | sent       | signed     | due        |
        | 2024-03-01 | 2024-04-10 | 2024-04-12 | 2024-05-24 |
        | 2024-12-02 | 2024-12-10 | 2024-12-20 | 2025-01-31 |

  @REQ-BL-SEPARATION-OF-DUTIES
  Rule: The staff member who signed a shipment or decided one of its lines does not record its payment

    Scenario: The staff member who signed the shipment cannot record its payment
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-10 billing the full forfait of An
      When staff of zorgkas 380 sign the shipment of MBE Brugge on 2024-04-12
      And the staff member who signed the shipment records its payment on 2024-04-20
      Then recording the payment is refused for REQ-BL-SEPARATION-OF-DUTIES
      And the payment order is not paid

    Scenario: The staff member who decided a line of the shipment cannot record its payment
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge reported a reason for non-billing when it stopped An's begeleiding on 2024-03-20
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-10 billing the full forfait of An
      When staff of zorgkas 380 approve the line of An
      And another staff member of zorgkas 380 signs the shipment of MBE Brugge on 2024-04-12
      And the staff member who decided the line of An records its payment on 2024-04-20
      Then recording the payment is refused for REQ-BL-SEPARATION-OF-DUTIES
      And the payment order is not paid

    Scenario: Another staff member records the payment of a signed shipment
      Given An is affiliated with zorgkas 380 since 2024-01-01
      And An has an accepted begeleiding at MBE Brugge starting 2024-03-01
      And MBE Brugge sent its shipment to zorgkas 380 on 2024-04-10 billing the full forfait of An
      When staff of zorgkas 380 sign the shipment of MBE Brugge on 2024-04-12
      And another staff member of zorgkas 380 records the payment on 2024-04-20
      Then the payment order is paid on 2024-04-20
