Feature: Transition on 1 January 2024
  Begeleidingen started before 1 January 2024 keep the old procedure: no request, billed as
  before to the health insurer. Those started on or after that date need a request and are
  requested and billed digitally to the zorgkassen.

  Background:
    Given MBE Brugge with HCO number 76311284930 is recognised with a Circle-of-Trust declaration
    And An is affiliated with zorgkas 180 since 2023-01-01

  @REQ-TR-BEFORE
  Rule: A begeleiding started before the transition date has no request

    Scenario Outline: A request for a begeleiding started on <start> is <verdict>
      When MBE Brugge requests a new begeleiding for An starting <start>, sent on 2024-01-05
      Then the request is <verdict>

      Examples:
        | start      | verdict                      |
        | 2023-12-31 | refused for REQ-TR-BEFORE    |
        | 2024-01-01 | accepted                     |

    @mbe
    Scenario: The MBE software keeps a begeleiding started in 2023 under the old procedure
      Given the MBE software under test runs as MBE Brugge
      And the MBE software has taken on An
      When a begeleiding of An starts on 2023-12-15, entered in the software on 2024-01-05
      And the MBE's billing day is 2024-02-10
      Then the MBE software sent no request for An
      And the MBE software billed An to the health insurer

  @REQ-TR-ON-AFTER
  Rule: A begeleiding started on or after the transition date is requested digitally

    Scenario: A request for a begeleiding started on the transition date gets a VSB reference
      When MBE Brugge requests a new begeleiding for An starting 2024-01-01, sent on 2024-01-02
      Then the request is accepted with a VSB reference

    @mbe
    Scenario: The MBE software requests a begeleiding started on the transition date and bills its zorgkas
      Given the MBE software under test runs as MBE Brugge
      And the MBE software has taken on An
      When a begeleiding of An starts on 2024-01-01, entered in the software on 2024-01-02
      And the MBE's billing day is 2024-02-10
      Then the MBE software sent a request of type new for An starting 2024-01-01
      And the MBE software billed An's forfait to zorgkas 180
      And the MBE software did not bill An to the health insurer
