"""The themes and guiding questions of the Minister's letter of 16 April 2024, word for word.

Each theme may say `"collects_barriers": True`: plans list their barriers under that theme.
"""

ROUND_2024 = {
    "name": "Productivity plans 2024",
    "slug": "productivity-plans-2024",
    "opens_at": "2024-04-16T00:00:00+01:00",
    "deadline": "2024-07-19T23:59:00+01:00",
    "ministry_email": "productivityplans@levellingup.gov.uk",
    "expected_pages_min": 3,
    "expected_pages_max": 4,
}

THEMES_2024 = [
    {
        "number": 1,
        "short_title": "Transforming services",
        "title": "How you have transformed the way you design and deliver services to make "
        "better use of resources.",
        "introduction": "",
        "questions": [
            "how has the organisation changed in recent years to become more productive? You "
            "may wish to consider what you have done around staffing, structures, operating "
            "models etc.",
            "how do you measure productivity in your organisation?",
            "what changes have you made to improve services, and what effects have those had?",
            "what are your current plans for transformation over the next two years and how "
            "will you measure the effects of those changes?",
            "looking ahead, which service has greatest potential for savings if further "
            "productivity gains can be found? What do you estimate these savings to be?",
            "what role could capital spending play in transforming existing services or "
            "unlocking new opportunities? If you have already used capital spending to boost "
            "growth or improve services, we would be interested in learning more.",
            "what preventative approaches you have undertaken and can the value of these be "
            "quantified?",
            "are there wider locally-led reforms that could help deliver high quality public "
            "services and improve the sustainability and resilience of your authority?",
        ],
    },
    {
        "number": 2,
        "short_title": "Technology and data",
        "title": "How you plan to take advantage of technology and make better use of data to "
        "improve decision making, service design and use of resources",
        "introduction": "",
        "questions": [
            "what are your existing plans to improve the quality of the data you collect; how "
            "do you use it and how do you make it available to residents?",
            "are there particular barriers from legacy systems?",
            "how often do you share data with other organisations, and do you find this useful?",
            "Are there opportunities to use new technology to improve workflows and systems, "
            "such as predictive analytics and AI?",
        ],
    },
    {
        "number": 3,
        "short_title": "Reducing wasteful spend",
        "title": "Your plans to reduce wasteful spend within your organisation and systems.",
        "introduction": "I know we will share the aim to reduce waste wherever we can and, while "
        "you have all made huge strides in recent years, no organisation is ever 100% "
        "efficient. You should set out your plans to reduce wasteful or "
        '"gold-plated" spend.',
        "questions": [
            "how do you approach identifying and reducing waste in the organisation? How do you "
            "monitor progress?",
            "where have you followed invest to save and what was the result?",
            "how much time and money do you spend on staff EDI training (internal and "
            "external), networks, and other programme? How many EDI Champions do you have as an "
            "organisation? How do you log and report the time and money spent on EDI related "
            "activity? How do you assess the effectiveness of that training?",
            "what percentage of total staff budget is spent on a) agency and b) consultants? "
            "How do you assess value for money on agency & consultancy spend and what are your "
            "plans to reduce use / costs? How many of those consultants or agency staff have "
            "been in place for over a year?",
            "what governance structures do you use to ensure accountability of spend?",
            "do you share office functions with other councils and if so, how useful do you "
            "find this?",
            "if you share external training costs with neighbouring councils, how do you factor "
            "out duplications of service between your council and your upper-tier council (if "
            "you have one)?",
            "if you have one, what is your assessment and experience, of working with an "
            "elected mayor, combined authority, or devolution deal?",
            "what proportion of your pay bill is spent on trade union facility time?",
        ],
    },
    {
        "number": 4,
        "short_title": "Barriers to progress",
        "collects_barriers": True,
        "title": "The barriers preventing progress that the Government can help to reduce or "
        "remove.",
        "introduction": "There will be barriers preventing you from going as far or as fast as "
        "you would like to. I would like your plans to set those out, so that we can "
        "understand how government, or the market, can help you overcome these barriers to go "
        "even further.",
        "questions": [
            "what are the barriers preventing you from improving productivity further within "
            "your organisation?",
            "what are the barriers preventing you from improving services further?",
            "are these barriers consistent across multiple services?",
            "what would you need to remove those barriers? What do you need from government, "
            "the market or elsewhere?",
        ],
    },
]
