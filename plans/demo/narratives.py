"""Demo narratives per council and theme, written from the facts in the councils' 2024 plans."""

NARRATIVES = {
    "sevenoaks": {
        1: "## How we have changed\n\n1.1 We set out in 2011 to stop relying on government "
        "grant and have received no revenue support grant since April 2018.\n\n"
        "1.2 We plan over a rolling ten-year budget.\n\n"
        "| Measure | Sevenoaks DC 2021 | LGA October 2021 |\n|---|---|---|\n"
        "| Satisfied with the way the council runs things | 81% | 56% |\n"
        "| Trust the council | 86% | 53% |\n",
    },
}
