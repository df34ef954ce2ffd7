"""The ``baku-energy-security-workshop`` demo: a fictional one-day follow-up workshop in Baku.

It always lies 60 days after the day it is last loaded and is open for registration, so a
newcomer can try registering, the waiting list, the personal agenda and check-in. Its
speakers, its first few attendees and their organisations are fictional; some of them also sit on
the ``pfp30-baku`` panels or attended that conference, and are shared with that event rather than
duplicated.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session as DbSession

from confkit import services
from confkit.demo import pfp30
from confkit.demo.builder import (
    FICTIONAL_SPEAKER_BIO,
    DemoBuilder,
    OrganisationSpec,
    PersonSpec,
    PositionSpec,
    RegistrationSpec,
    RoleSpec,
    SessionSpec,
    Texts,
    existing_event,
)
from confkit.models import (
    Event,
    OrganisationKind,
    QuestionKind,
    RegistrationMode,
    RoleKind,
    SessionKind,
)

SLUG = "baku-energy-security-workshop"
TIMEZONE = "Asia/Baku"
DAYS_AHEAD = 60
CAPACITY = 30
HANDS_ON_SEATS = 12
# Registration closes when the day's programme begins.
DAY_BEGINS = time(9, 0)

# The event's own registration questions: key, label, kind, choices, required.
WORKSHOP_QUESTIONS: Final = (
    (
        "main_interest",
        "Which theme interests you most?",
        QuestionKind.SINGLE_CHOICE,
        ("Gas supply and transit", "Electricity grids", "Offshore infrastructure"),
        True,
    ),
    (
        "dietary",
        "Do you have any dietary requirements for lunch?",
        QuestionKind.SHORT_TEXT,
        (),
        False,
    ),
    (
        "exercise_interest",
        "I would like to take part in the tabletop exercise",
        QuestionKind.CHECKBOX,
        (),
        False,
    ),
)
CONSENT_TEXT = (
    "I agree that the organisers keep the details I give here to run this workshop and delete "
    "them within six months of it."
)

DESCRIPTION = """\
A fictional one-day workshop, made up for the confkit demo as a follow-up to the Baku conference \
"Azerbaijan and NATO: 30 years of Partnership for Peace". The workshop, its programme, its \
speakers and their organisations are all fictional.

Experts on energy markets and critical infrastructure discuss the security of energy supply to \
the European region, in two parallel rooms, and run a hands-on tabletop exercise with 12 seats \
that participants sign up for.

Registration is open to 30 participants; once they are taken, new registrations join the \
waiting list.
"""

GRID_COMPANY = OrganisationSpec(
    "grid-company",
    "Kür Grid Company (fictional)",
    OrganisationKind.COMPANY,
    country="AZ",
)
OFFSHORE_OPERATORS = OrganisationSpec(
    "offshore-operators",
    "Absheron Offshore Operators Association (fictional)",
    OrganisationKind.NGO,
    country="AZ",
)
SOUTH_CAUCASUS_ENERGY_FORUM = OrganisationSpec(
    "south-caucasus-energy-forum",
    "South Caucasus Energy Forum (fictional)",
    OrganisationKind.THINK_TANK,
    country="GE",
)

# The pfp30 organisations of the people both events share come first, so they are found again.
ORGANISATIONS = (
    pfp30.STRATEGIC_DIALOGUE_INSTITUTE,
    pfp30.SHIRVAN_INSTITUTE,
    pfp30.ENERGY_POLICY_CENTRE,
    pfp30.ENERGY_TRANSIT_INSTITUTE,
    pfp30.CYBER_RESILIENCE_INSTITUTE,
    pfp30.NAREW_ACADEMY,
    pfp30.KARTLI_UNIVERSITY,
    pfp30.POLDER_RISK_ANALYTICS,
    pfp30.EMERGENCY_AGENCY,
    pfp30.CYBER_DEFENCE_SERVICE,
    GRID_COMPANY,
    OFFSHORE_OPERATORS,
    SOUTH_CAUCASUS_ENERGY_FORUM,
)

RASHAD_KARIMOV = PersonSpec(
    "rashad.karimov@example.org",
    "Rəşad",
    "Kərimov",
    bio=FICTIONAL_SPEAKER_BIO,
    positions=(PositionSpec(OFFSHORE_OPERATORS.key, "Head of Asset Protection"),),
)
SEVDA_ORUJOVA = PersonSpec(
    "sevda.orujova@example.org",
    "Sevda",
    "Orucova",
    bio=FICTIONAL_SPEAKER_BIO,
    positions=(PositionSpec(GRID_COMPANY.key, "Grid Planning Engineer"),),
)
NIKOLOZ_BERIDZE = PersonSpec(
    "nikoloz.beridze@example.org",
    "Nikoloz",
    "Beridze",
    bio=FICTIONAL_SPEAKER_BIO,
    positions=(PositionSpec(SOUTH_CAUCASUS_ENERGY_FORUM.key, "Energy Transit Analyst"),),
)

# A few fictional pfp30 attendees come back, so the workshop's lists are not empty; the other
# seats are left for newcomers.
ATTENDEES = (
    pfp30.TOMASZ_WROBEL,
    pfp30.NINO_KAPANADZE,
    pfp30.FARID_HAJIYEV,
    pfp30.PIETER_VAN_DIJK,
    pfp30.ULVIYYA_JABRAYILOVA,
    pfp30.TOGRUL_MIRZAYEV,
)

PEOPLE = (
    pfp30.CONFERENCE_CHAIR,
    pfp30.POLICY_MODERATOR,
    pfp30.AYSEL_HUSEYNOVA,
    pfp30.MARKUS_FELDMANN,
    pfp30.INGRID_HALVORSEN,
    RASHAD_KARIMOV,
    SEVDA_ORUJOVA,
    NIKOLOZ_BERIDZE,
    *ATTENDEES,
)

REGISTRATIONS = tuple(RegistrationSpec(person.email) for person in ATTENDEES)

ROOMS = (("room-a", "Room A", 40), ("room-b", "Room B", 25))

TRACKS = (
    (
        "energy-markets",
        "Energy markets and supply routes",
        "How gas, oil and electricity reach the European region, and what can interrupt them.",
    ),
    (
        "critical-infrastructure",
        "Protecting critical energy infrastructure",
        "Keeping pipelines, platforms, terminals and grids running through attacks and failures.",
    ),
)


def _role(person: PersonSpec, role: RoleKind) -> RoleSpec:
    return RoleSpec(person.email, role)


def sessions_on(day: date) -> tuple[SessionSpec, ...]:
    """The workshop's programme on ``day``: two rooms in parallel before and after lunch."""
    return (
        SessionSpec(
            "registration",
            "Registration and coffee",
            SessionKind.BREAK,
            day,
            DAY_BEGINS,
            time(9, 30),
        ),
        SessionSpec(
            "keynote",
            "Keynote: energy security in the European region",
            SessionKind.KEYNOTE,
            day,
            time(9, 30),
            time(10, 15),
            room="room-a",
            track="energy-markets",
            abstract="Where the supply of energy to the European region is exposed, and why.",
            roles=(
                _role(pfp30.CONFERENCE_CHAIR, RoleKind.CHAIR),
                _role(pfp30.MARKUS_FELDMANN, RoleKind.SPEAKER),
            ),
        ),
        SessionSpec(
            "panel-supply-routes",
            "Caspian supply routes to Europe",
            SessionKind.PANEL,
            day,
            time(10, 30),
            time(12, 0),
            room="room-a",
            track="energy-markets",
            abstract="Pipelines, ports and contracts that carry Caspian energy westwards.",
            roles=(
                _role(pfp30.POLICY_MODERATOR, RoleKind.MODERATOR),
                _role(pfp30.AYSEL_HUSEYNOVA, RoleKind.PANELLIST),
                _role(NIKOLOZ_BERIDZE, RoleKind.PANELLIST),
            ),
        ),
        SessionSpec(
            "talk-offshore-protection",
            "Protecting offshore platforms and pipelines",
            SessionKind.TALK,
            day,
            time(10, 30),
            time(11, 30),
            room="room-b",
            track="critical-infrastructure",
            abstract="Physical and cyber threats to offshore assets, and how operators respond.",
            roles=(_role(RASHAD_KARIMOV, RoleKind.SPEAKER),),
        ),
        SessionSpec("lunch", "Lunch", SessionKind.BREAK, day, time(12, 0), time(13, 0)),
        SessionSpec(
            "panel-grid-stability",
            "Renewables, interconnectors and grid stability",
            SessionKind.PANEL,
            day,
            time(13, 0),
            time(14, 30),
            room="room-a",
            track="energy-markets",
            abstract="What new interconnectors and renewable capacity mean for a secure grid.",
            roles=(
                _role(pfp30.AYSEL_HUSEYNOVA, RoleKind.MODERATOR),
                _role(SEVDA_ORUJOVA, RoleKind.PANELLIST),
                _role(NIKOLOZ_BERIDZE, RoleKind.PANELLIST),
            ),
        ),
        SessionSpec(
            "hands-on-tabletop",
            "Hands-on: tabletop exercise on a cyber incident at an energy terminal",
            SessionKind.WORKSHOP,
            day,
            time(13, 0),
            time(15, 0),
            room="room-b",
            track="critical-infrastructure",
            abstract=(
                "Small teams play operator, regulator and incident responder through a simulated "
                f"cyber incident. Limited to {HANDS_ON_SEATS} participants: sign up for a seat."
            ),
            signup_capacity=HANDS_ON_SEATS,
            roles=(
                _role(pfp30.INGRID_HALVORSEN, RoleKind.MODERATOR),
                _role(RASHAD_KARIMOV, RoleKind.MODERATOR),
            ),
        ),
        SessionSpec(
            "closing",
            "Closing discussion: lessons from the day",
            SessionKind.PLENARY,
            day,
            time(15, 15),
            time(16, 0),
            room="room-a",
            roles=(
                _role(pfp30.CONFERENCE_CHAIR, RoleKind.MODERATOR),
                _role(pfp30.INGRID_HALVORSEN, RoleKind.PANELLIST),
                _role(pfp30.MARKUS_FELDMANN, RoleKind.PANELLIST),
            ),
        ),
    )


NAME = "Baku Energy Security Workshop (fictional)"

# The workshop's content in the interface's other languages.
TRANSLATIONS: Final[Texts] = {
    "az": {
        "name": "Bakı Enerji Təhlükəsizliyi Seminarı (uydurma)",
        "description": """\
confkit demosu üçün uydurulmuş birgünlük seminar: «Azərbaycan və NATO: Sülh Naminə \
Tərəfdaşlığın 30 ili» Bakı konfransının davamı kimi düşünülüb. Seminar, onun proqramı, \
məruzəçiləri və onların təşkilatları tamamilə uydurmadır.

Enerji bazarları və kritik infrastruktur üzrə ekspertlər iki paralel zalda Avropa regionunun \
enerji təchizatının təhlükəsizliyini müzakirə edir, həmçinin iştirakçıların qabaqcadan yazıldığı \
12 yerlik praktiki masaüstü təlim keçirirlər.

Qeydiyyat 30 iştirakçı üçün açıqdır; yerlər dolduqdan sonra yeni qeydiyyatlar gözləmə \
siyahısına düşür.
""",
    },
    "ru": {
        "name": "Бакинский семинар по энергетической безопасности (вымышленный)",
        "description": """\
Вымышленный однодневный семинар, придуманный для демонстрации confkit как продолжение \
бакинской конференции «Азербайджан и НАТО: 30 лет „Партнёрства ради мира“». Семинар, его \
программа, докладчики и их организации — вымышленные.

Эксперты по энергетическим рынкам и критической инфраструктуре в двух параллельных залах \
обсуждают безопасность энергоснабжения европейского региона и проводят практическое настольное \
учение на 12 мест, на которое участники записываются заранее.

Регистрация открыта для 30 участников; когда места закончатся, новые заявки попадают в лист \
ожидания.
""",
    },
}
SESSION_TRANSLATIONS: Final[dict[str, Texts]] = {
    "registration": {
        "az": {"title": "Qeydiyyat və qəhvə"},
        "ru": {"title": "Регистрация и кофе"},
    },
    "keynote": {
        "az": {
            "title": "Əsas məruzə: Avropa regionunda enerji təhlükəsizliyi",
            "abstract": "Avropa regionunun enerji təchizatı harada və nə səbəbdən həssasdır.",
        },
        "ru": {
            "title": "Основной доклад: энергетическая безопасность в европейском регионе",
            "abstract": "Где энергоснабжение европейского региона уязвимо и почему.",
        },
    },
    "panel-supply-routes": {
        "az": {
            "title": "Xəzər enerjisinin Avropaya çatdırılma marşrutları",
            "abstract": "Xəzər enerjisini qərbə daşıyan boru kəmərləri, limanlar və müqavilələr.",
        },
        "ru": {
            "title": "Каспийские маршруты поставок в Европу",
            "abstract": (
                "Трубопроводы, порты и контракты, по которым каспийские энергоресурсы идут на "
                "запад."
            ),
        },
    },
    "talk-offshore-protection": {
        "az": {
            "title": "Dəniz platformalarının və boru kəmərlərinin mühafizəsi",
            "abstract": (
                "Dəniz obyektlərinə qarşı fiziki və kibertəhdidlər, operatorların onlara cavabı."
            ),
        },
        "ru": {
            "title": "Защита морских платформ и трубопроводов",
            "abstract": "Физические и киберугрозы морским объектам и ответ операторов на них.",
        },
    },
    "lunch": {"az": {"title": "Nahar"}, "ru": {"title": "Обед"}},
    "panel-grid-stability": {
        "az": {
            "title": "Bərpa olunan enerji, sistemlərarası əlaqələr və şəbəkənin dayanıqlığı",
            "abstract": (
                "Yeni sistemlərarası xətlər və bərpa olunan enerji gücləri etibarlı şəbəkə üçün "
                "nə deməkdir."
            ),
        },
        "ru": {
            "title": "Возобновляемая энергетика, межсистемные связи и устойчивость энергосети",
            "abstract": (
                "Что новые межсистемные линии и возобновляемые мощности означают для надёжности "
                "энергосети."
            ),
        },
    },
    "hands-on-tabletop": {
        "az": {
            "title": "Praktiki məşğələ: enerji terminalında kiberinsident üzrə masaüstü təlim",
            "abstract": (
                "Kiçik komandalar modelləşdirilmiş kiberinsident boyunca operator, tənzimləyici "
                "orqan və insidentlərə cavab qrupu rollarını oynayır. İştirakçıların sayı "
                f"{HANDS_ON_SEATS} nəfərlə məhdudlaşır: yer üçün qabaqcadan yazılın."
            ),
        },
        "ru": {
            "title": "Практикум: настольное учение по киберинциденту на энергетическом терминале",
            "abstract": (
                "Небольшие команды в ролях оператора, регулятора и группы реагирования на "
                "инциденты проходят через смоделированный киберинцидент. Не более "
                f"{HANDS_ON_SEATS} участников: запишитесь заранее, чтобы занять место."
            ),
        },
    },
    "closing": {
        "az": {"title": "Yekun müzakirə: günün nəticələri"},
        "ru": {"title": "Заключительная дискуссия: итоги дня"},
    },
}


def load_workshop(db: DbSession, *, today: date, now: datetime) -> Event:
    """Load the workshop, ``DAYS_AHEAD`` days after ``today`` and open for registration from
    ``now``. If it is already there, loading again the same day changes nothing; on a later day
    it moves, sessions and all, so it stays ``DAYS_AHEAD`` days ahead."""
    day = today + timedelta(days=DAYS_AHEAD)
    loaded = existing_event(db, SLUG)
    if loaded is not None:
        _add_registration_settings(db, loaded, now)
        return services.shift_event(db, loaded, starts_on=day, now=now)
    builder = DemoBuilder(db, now)
    venue = builder.venue(name="Workshop venue (fictional)", city="Baku", country="AZ")
    event = services.create_event(
        db,
        slug=SLUG,
        name=NAME,
        timezone=TIMEZONE,
        starts_on=day,
        ends_on=day,
        venue=venue,
        description=DESCRIPTION,
        languages=["en"],
        capacity=CAPACITY,
        registration_mode=RegistrationMode.OPEN,
        waitlist_enabled=True,
        registration_opens_at=now,
        registration_closes_at=datetime.combine(day, DAY_BEGINS, ZoneInfo(TIMEZONE)),
        now=now,
    )
    for slug, name, capacity in ROOMS:
        services.add_room(db, event, slug=slug, name=name, capacity=capacity, now=now)
    for slug, name, description in TRACKS:
        services.add_track(db, event, slug=slug, name=name, description=description, now=now)
    builder.add_organisations(ORGANISATIONS)
    builder.add_people(PEOPLE)
    specs = sessions_on(day)
    sessions = builder.add_sessions(event, specs)
    builder.translate(
        event,
        TRANSLATIONS,
        {
            programme_session: SESSION_TRANSLATIONS[spec.key]
            for spec, programme_session in zip(specs, sessions, strict=True)
        },
    )
    builder.add_registrations(event, REGISTRATIONS)
    _add_registration_settings(db, event, now)
    return event


def _add_registration_settings(db: DbSession, event: Event, now: datetime) -> None:
    """The questions and consent text; a database loaded before they existed gets them too."""
    asked = {question.key for question in event.questions}
    for key, label, kind, choices, required in WORKSHOP_QUESTIONS:
        if key not in asked:
            services.add_question(
                db, event, key=key, label=label, kind=kind, choices=choices, required=required
            )
    if not event.consent_text:
        services.configure_registration(db, event, consent_text=CONSENT_TEXT, now=now)
    db.flush()
    db.expire(event, ["questions"])
