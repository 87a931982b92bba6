"""Write the synthetic workbook fixtures in the layouts their platforms export (run once;
the workbooks are committed). All text is made up for these tests."""

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent


def save(name: str, sheets: dict[str, list[list[object]]]) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(HERE / name)


# Microsoft Forms, "Open in Excel": ID, times, Email, Name, then one column per question.
save(
    "msforms.xlsx",
    {
        "Sheet1": [
            [
                "ID",
                "Start time",
                "Completion time",
                "Email",
                "Name",
                "Last modified time",
                "What would help you eat more healthily?",
                "How often do you cook from scratch?",
                "Anything else you want to tell us?",
            ],
            [
                1,
                "3/10/25 9:01:12",
                "3/10/25 9:04:50",
                "anonymous",
                "",
                "",
                "Cheaper fruit and veg in the corner shop",
                "Most days",
                "The cooking course was great",
            ],
            [
                2,
                "3/10/25 9:15:02",
                "3/10/25 9:19:33",
                "anonymous",
                "",
                "",
                "Time. I work two jobs and get home at nine",
                "Never",
                "",
            ],
            [
                3,
                "3/10/25 11:40:20",
                "3/10/25 11:47:01",
                "anonymous",
                "",
                "",
                "A market nearer than the retail park",
                "Once a week",
                "Bring back the bus to town",
            ],
            [
                4,
                "3/11/25 16:22:45",
                "3/11/25 16:25:10",
                "anonymous",
                "",
                "",
                "Cooking lessons for dads",
                "A few times a week",
                "n/a",
            ],
            [
                5,
                "3/12/25 20:03:09",
                "3/12/25 20:08:55",
                "anonymous",
                "",
                "",
                "Stop the takeaways opening next to the school",
                "Most days",
                "",
            ],
        ]
    },
)

# EngagementHQ survey report: a title block above the header, then one row per respondent.
save(
    "engagementhq.xlsx",
    {
        "Survey Responses": [
            ["Survey Responses"],
            ["01 February 2025 - 31 March 2025"],
            ["Fairer Futures: have your say"],
            ["Project: Fairer Futures"],
            [],
            [
                "Respondent No",
                "Login Username",
                "Email Address",
                "Response Date",
                "What matters most to you about where you live?",
                "What should we do first?",
                "Which area do you live in?",
            ],
            [
                1,
                "bluebell77",
                "",
                "Feb 03, 2025 10:14:52 am",
                "Feeling safe walking home at night",
                "Street lights that work",
                "North",
            ],
            [
                2,
                "anon-2219",
                "",
                "Feb 04, 2025 08:41:10 pm",
                "Having a GP I can actually see",
                "More appointments after work",
                "Central",
            ],
            [
                3,
                "riverside_mum",
                "",
                "Feb 10, 2025 12:02:33 pm",
                "Somewhere for the kids to play that isn't full of glass",
                "Clean up the play park",
                "South",
            ],
            [
                4,
                "anon-2301",
                "",
                "Feb 15, 2025 03:55:01 pm",
                "Buses that turn up",
                "A bus to the hospital on Sundays",
                "North",
            ],
            [
                5,
                "k.j.",
                "",
                "Mar 01, 2025 09:30:27 am",
                "Good neighbours and the community centre",
                "Keep the community centre open",
                "South",
            ],
        ]
    },
)

# Go Vocal input export: an idea is a title plus a rich-text (HTML) description.
save(
    "govocal_inputs.xlsx",
    {
        "Inputs": [
            [
                "ID",
                "Title",
                "Description",
                "Author name",
                "Author email",
                "Author ID",
                "Published at",
                "Comments",
                "Likes",
                "Dislikes",
                "Topics",
                "Location",
                "URL",
                "Project",
                "Status",
            ],
            [
                "6b1f",
                "Community fridge",
                "<p>Put a <strong>community fridge</strong> in the "
                "library so food doesn't go to waste.</p>",
                "Sam Example",
                "sam@example.org",
                "u-11",
                "2025-05-02 10:15:00",
                3,
                12,
                0,
                "Food",
                "Central Library",
                "https://example.govocal.com/ideas/community-fridge",
                "Fairer Food",
                "proposed",
            ],
            [
                "6b20",
                "Later opening at the pool",
                "<p>The pool shuts at 7pm.</p><ul><li>Open "
                "until 9pm on weekdays</li><li>Women-only sessions in the evening</li></ul>",
                "Priya Example",
                "priya@example.org",
                "u-12",
                "2025-05-03 19:42:11",
                5,
                30,
                1,
                "Sport",
                "",
                "https://example.govocal.com/ideas/later-pool",
                "Fairer Food",
                "under consideration",
            ],
            [
                "6b21",
                "Free breakfast club",
                "<p>Every primary school should have a free "
                "breakfast club &amp; it should start at 7:30.</p>",
                "Lee Example",
                "lee@example.org",
                "u-13",
                "2025-05-04 07:58:40",
                0,
                8,
                0,
                "Children",
                "",
                "",
                "Fairer Food",
                "proposed",
            ],
            [
                "6b22",
                "Growing space",
                "<p>Let residents use the empty land behind the flats to grow vegetables.</p>",
                "Sam Example",
                "sam@example.org",
                "u-11",
                "2025-05-06 12:30:00",
                1,
                4,
                0,
                "Food",
                "Elm Court",
                "",
                "Fairer Food",
                "proposed",
            ],
        ]
    },
)

# Slido Q&A export: the audience's questions, who asked them (or Anonymous) and the votes.
save(
    "slido_qa.xlsx",
    {
        "Questions": [
            ["Question", "Author", "Likes", "Dislikes", "Date", "Labels", "Answered"],
            [
                "Why do the buses to the hospital stop at six?",
                "Maria Example",
                14,
                0,
                "2025-06-12 18:32",
                "",
                "Yes",
            ],
            [
                "How will people without the internet have their say?",
                "Anonymous",
                9,
                0,
                "2025-06-12 18:35",
                "",
                "Yes",
            ],
            [
                "Will the money go to the estates that need it most?",
                "Derek Example",
                21,
                1,
                "2025-06-12 18:40",
                "",
                "No",
            ],
            [
                "Can the youth club open on Fridays again?",
                "Anonymous",
                6,
                0,
                "2025-06-12 18:44",
                "",
                "No",
            ],
            [
                "What happens to the community centre when the lease ends?",
                "Maria Example",
                11,
                0,
                "2025-06-12 18:51",
                "",
                "No",
            ],
        ]
    },
)
