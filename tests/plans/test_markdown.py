"""Officers' Markdown becomes HTML that can carry no script, handler, style or remote content."""

import pytest
from django.core.exceptions import ValidationError

from plans.forms.drafting import SectionForm
from plans.markdown import normalise_text, render_markdown
from plans.services.drafting import section_save

HOSTILE = [
    # Raw HTML is never interpreted: it shows as the text the officer typed.
    ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
    ("Hi <script>alert(1)</script> there", "<p>Hi &lt;script&gt;alert(1)&lt;/script&gt; there</p>"),
    ("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>"),
    (
        '<a href="#" onclick="alert(1)">x</a>',
        '<p>&lt;a href="#" onclick="alert(1)"&gt;x&lt;/a&gt;</p>',
    ),
    ("<svg onload=alert(1)>", "<p>&lt;svg onload=alert(1)&gt;</p>"),
    (
        '<iframe src="https://evil.example"></iframe>',
        '<p>&lt;iframe src="https://evil.example"&gt;&lt;/iframe&gt;</p>',
    ),
    (
        '<p style="color:red">red</p>',
        '<p>&lt;p style="color:red"&gt;red&lt;/p&gt;</p>',
    ),
    ("<div>\n<b>raw</b>\n</div>", "<p>&lt;div&gt;\n&lt;b&gt;raw&lt;/b&gt;\n&lt;/div&gt;</p>"),
    ("<!-- hidden -->", "<p>&lt;!-- hidden --&gt;</p>"),
    ("`<script>`", "<p><code>&lt;script&gt;</code></p>"),
    # Dangerous link schemes never become links, however they are spelt.
    ("[click](javascript:alert(1))", "<p>[click](javascript:alert(1))</p>"),
    ("[click](JaVaScRiPt:alert(1))", "<p>[click](JaVaScRiPt:alert(1))</p>"),
    ("[click](&#106;avascript:alert(1))", "<p>[click](javascript:alert(1))</p>"),
    ("[click](java&#x73;cript:alert(1))", "<p>[click](javascript:alert(1))</p>"),
    ("<javascript:alert(1)>", "<p>&lt;javascript:alert(1)&gt;</p>"),
    ("[x](vbscript:msgbox(1))", "<p>[x](vbscript:msgbox(1))</p>"),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", "<p>[x](data:text/html;base64,PHNjcmlwdD4=)</p>"),
    # Images never load: remote or data:, they print as their alternative text.
    ("![x](http://evil.example/x.png)", "<p>x</p>"),
    ("![chart](data:image/png;base64,AAAA)", "<p>chart</p>"),
    ('![a <b> & "c"](https://x.example/i.png)', '<p>a &lt;b&gt; &amp; "c"</p>'),
    (
        "[![logo](http://x.example/i.png)](https://ok.example)",
        '<p><a href="https://ok.example" rel="noopener noreferrer">logo</a></p>',
    ),
    # Control characters are dropped.
    ("Text\x00with\x07control", "<p>Textwithcontrol</p>"),
]

WANTED = [
    # The page has its h1: headings start at h2 and go no deeper than h4.
    (
        "# Title\n## Sub\n### Third\n#### Deep\n###### Deepest",
        "<h2>Title</h2>\n<h3>Sub</h3>\n<h4>Third</h4>\n<h4>Deep</h4>\n<h4>Deepest</h4>",
    ),
    (
        "1.1 We merged two teams.\n\n1.2 We saved £1.2m.",
        "<p>1.1 We merged two teams.</p>\n<p>1.2 We saved £1.2m.</p>",
    ),
    ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
    ("3. three\n4. four", '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>'),
    (  # column alignment is markdown-it's style attribute, which never survives
        "| KPI | Target |\n|---|--:|\n| Sickness days | 8 |",
        "<table>\n<thead>\n<tr>\n<th>KPI</th>\n<th>Target</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>Sickness days</td>\n<td>8</td>\n</tr>\n</tbody>\n</table>",
    ),
    (
        "[Our strategy](https://www.sevenoaks.gov.uk/strategy)",
        '<p><a href="https://www.sevenoaks.gov.uk/strategy" rel="noopener noreferrer">'
        "Our strategy</a></p>",
    ),
    (
        '[x](https://a.example "Title")',
        '<p><a href="https://a.example" title="Title" rel="noopener noreferrer">x</a></p>',
    ),
    (
        "[email us](mailto:plans@example.gov.uk)",
        '<p><a href="mailto:plans@example.gov.uk" rel="noopener noreferrer">email us</a></p>',
    ),
    ("**bold** and _italic_", "<p><strong>bold</strong> and <em>italic</em></p>"),
]


@pytest.mark.parametrize("source, expected", HOSTILE)
def test_render_markdown_neutralises_hostile_input(source, expected):
    assert render_markdown(source) == expected


@pytest.mark.parametrize("source, expected", WANTED)
def test_render_markdown_keeps_what_a_plan_needs(source, expected):
    assert render_markdown(source) == expected


def test_normalise_text_unifies_line_endings_and_trims_the_end():
    assert normalise_text("a\r\nb\rc  \n\n") == "a\nb\nc"


ONE_MEGABYTE = "x" * 1_048_576


def test_section_form_refuses_a_megabyte_with_the_exact_message():
    form = SectionForm(
        {"narrative": ONE_MEGABYTE, "is_complete": "no", "base_edit_count": "0"}, theme_title="1"
    )
    assert form.is_valid() is False
    assert form.errors == {"narrative": ["Your answer must be 30,000 characters or fewer"]}


@pytest.mark.django_db
def test_section_save_refuses_a_megabyte_with_the_exact_message(plan, officer):
    section = plan.sections.get(theme__number=1)
    with pytest.raises(ValidationError) as refused:
        section_save(section_id=section.pk, narrative=ONE_MEGABYTE, is_complete=False,
                     base_edit_count=0, user=officer)  # fmt: skip
    assert refused.value.code == "max_length"
    assert refused.value.messages == ["Your answer must be 30,000 characters or fewer"]
    section.refresh_from_db()
    assert (section.narrative, section.edit_count) == ("", 0)


def test_render_markdown_accepts_exactly_the_limit():
    assert render_markdown("y" * 30_000) == f"<p>{'y' * 30_000}</p>"
