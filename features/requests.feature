Feature: Requests for intervention
  From 1 January 2024 an MBE asks the central application for the intervention of VSB in a
  begeleiding with a request, sent within 30 days after the start (the date on the GP's
  prescription). Every request gets an answer: accepted with a VSB reference, under review, or
  refused with the problem named.

  Background:
    Given MBE Brugge with HCO number 76311284930 is recognised with a Circle-of-Trust declaration
    And MBE Gent with HCO number 76310888930 is recognised with a Circle-of-Trust declaration
    And An is affiliated with zorgkas 380 since 2024-01-01

  @REQ-RQ-DEADLINE
  Rule: The request arrives within 30 days after the start of the begeleiding

    Scenario Outline: A request sent <days> days after the start is <verdict>
      When MBE Brugge requests a new begeleiding for An starting 2024-03-01, sent on <sent>
      Then the request is <verdict>

      Examples:
        | days | sent       | verdict                          |
        | 0    | 2024-03-01 | accepted                         |
        | 29   | 2024-03-30 | accepted                         |
        | 30   | 2024-03-31 | accepted                         |
        | 31   | 2024-04-01 | refused for REQ-RQ-DEADLINE      |
