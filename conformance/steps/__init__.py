"""The step definitions of the suite, one module per behaviour area.

`STEP_MODULES` are loaded as pytest plugins by the suite's conftest, so that every feature
file can use every step.
"""

STEP_MODULES = [
    "conformance.steps.common",
    "conformance.steps.answers",
    "conformance.steps.requests",
    "conformance.steps.changes",
    "conformance.steps.staff",
    "conformance.steps.identity",
    "conformance.steps.billing_givens",
    "conformance.steps.billing_shipments",
    "conformance.steps.billing_settlements",
    "conformance.steps.billing_review",
    "conformance.steps.billing_payment",
    "conformance.steps.mbe_actions",
    "conformance.steps.mbe_central",
    "conformance.steps.mbe_checks",
    "conformance.steps.mbe_billing_checks",
]
