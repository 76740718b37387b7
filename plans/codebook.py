"""The codebook every round starts with: its themes' topics, the barrier categories plans use,
and the issues councils raised in 2024.

One function for the data migration (the existing round), the demo's open round and the test
factory. It takes the model classes as arguments so a migration can pass its historical models.
"""

BARRIERS_PARENT = (
    "Barriers to productivity",
    "A barrier a plan says stops the council going as far or as fast as it would like.",
)

# The barrier categories of plans.models.evidence.BarrierCategory (minus "Other"), as codes.
BARRIER_CODES = [
    ("Multi-year settlements", "The plan asks for funding settlements that cover several years."),
    ("Funding levels", "The plan says the amount of funding limits what the council can do."),
    ("Competitive bidding for funds", "The plan names the cost or waste of bidding for funds."),
    ("Capital funding", "The plan says a lack of capital funding holds back investment."),
    ("Council tax flexibility", "The plan asks for more freedom to set council tax or charges."),
    ("Legislation and regulation", "The plan names a law or regulation that gets in the way."),
    ("Data returns burden", "The plan names the cost of the returns and data asked of it."),
    ("Recruitment and pay", "The plan says recruiting or paying staff limits its progress."),
    ("Audit and accounts", "The plan names delays or costs in external audit and accounts."),
    ("Housing", "The plan names housing pressures, such as temporary accommodation costs."),
]

ISSUES_PARENT = (
    "Issues raised in 2024",
    "An issue many councils raised in their 2024 plans.",
)

ISSUE_CODES = [
    (
        "Funding certainty and multi-year settlements",
        "The passage says one-year settlements make planning and investment harder.",
    ),
    (
        "Competitive bidding for funds",
        "The passage names the time and money spent bidding for short-term pots of funding.",
    ),
    (
        "Reporting and data burdens",
        "The passage names returns, reporting or data requests from government as a burden.",
    ),
    (
        "Freedom-of-information burden",
        "The passage names the cost of answering freedom-of-information requests.",
    ),
    (
        "New duties without consultation",
        "The passage says new duties arrived without consultation or the money to meet them.",
    ),
    (
        "Workforce and recruitment",
        "The passage names difficulties recruiting, keeping or training staff.",
    ),
    (
        "Legacy IT and data sharing",
        "The passage names old systems or barriers to sharing data between organisations.",
    ),
    ("Regulation", "The passage names regulation as a cost or a brake on change."),
]


def codebook_seed(round_, *, Code, Theme) -> None:  # noqa: N803
    """Create the round's starting codebook; running it twice changes nothing, and a name that
    is already an active code is not added again."""
    taken = {
        name.lower()
        for name in Code.objects.filter(round=round_, retired_at__isnull=True).values_list(
            "name", flat=True
        )
    }

    def add(name: str, definition: str, parent=None):
        if name.lower() in taken:
            return Code.objects.filter(
                round=round_, retired_at__isnull=True, name__iexact=name
            ).first()
        taken.add(name.lower())
        return Code.objects.create(round=round_, name=name, definition=definition, parent=parent)

    for theme in Theme.objects.filter(round=round_).order_by("number"):
        add(theme.short_title, f"The plan’s answer to theme {theme.number}: {theme.title}")
    barriers = add(*BARRIERS_PARENT)
    for name, definition in BARRIER_CODES:
        add(name, definition, barriers)
    issues = add(*ISSUES_PARENT)
    for name, definition in ISSUE_CODES:
        add(name, definition, issues)
