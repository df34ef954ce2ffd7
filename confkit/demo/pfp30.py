"""The ``pfp30-baku`` demo: the Baku conference "Azerbaijan and NATO: 30 years of Partnership for
Peace" of 26 November 2024, and the bilateral meeting with the NATO delegation the day before.

Organisations, people, positions and topics are those the source article names (Caliber.Az, by
Khagan Isayev). The article gives no timetable, so the times are illustrative; moderators,
panellists, delegation members beyond its head and the attendees the article does not name are
fictional: their bios say so, and so do the names of their organisations (or, at a real one,
their position titles).
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session as DbSession

from confkit import services
from confkit.demo import pfp30_translations as translations
from confkit.demo.builder import (
    FICTIONAL_ATTENDEE_BIO,
    FICTIONAL_MODERATOR_BIO,
    FICTIONAL_PANELLIST_BIO,
    DemoBuilder,
    OrganisationSpec,
    PersonSpec,
    PositionSpec,
    RegistrationSpec,
    RoleSpec,
    SessionSpec,
    existing_event,
)
from confkit.models import (
    Event,
    OrganisationKind,
    RegistrationCategory,
    RegistrationStatus,
    RoleKind,
    SessionKind,
    Visibility,
)

SLUG = "pfp30-baku"
TIMEZONE = "Asia/Baku"
MEETING_DAY = date(2024, 11, 25)
CONFERENCE_DAY = date(2024, 11, 26)
# The registration window is illustrative too; what matters is that it closed before the event.
REGISTRATION_CLOSES_AT = datetime(2024, 11, 20, 9, 0, tzinfo=ZoneInfo(TIMEZONE))
REGISTRATIONS_FROM = datetime(2024, 11, 4, 9, 0, tzinfo=ZoneInfo(TIMEZONE))

DESCRIPTION = """\
A scientific-practical conference in Baku to mark the 30th anniversary of Azerbaijan's accession \
to the framework document of NATO's Partnership for Peace programme, which Azerbaijan joined in \
1994.

The conference discussed the history, current state and future prospects of Azerbaijan's \
partnership with the Alliance, the achievements of the SNT program, Azerbaijan's contributions to \
NATO-led peacekeeping operations, its role in ensuring energy security in the European region, \
and other topics stemming from Azerbaijan's collaboration with NATO. NATO's Science for Peace and \
Security programme has underpinned cooperation to enhance counter-terrorism and strengthen cyber \
security.

It was attended by the Acting Head of the Military-Political Affairs Department of Azerbaijan's \
Foreign Ministry, Anar Mutallimov; NATO Deputy Assistant Secretary General for Operations, Burcu \
San; members of the academic community from foreign countries; analysts; and representatives of \
local government agencies and relevant educational institutions. On 25 November the Head of the \
International Military Cooperation Department, Colonel Elchin Abdullayev, met the NATO delegation \
headed by Burcu San.

About this demo: the source gives no timetable, so the timetable shown here is illustrative. The \
moderators, the panellists, the NATO delegation's members other than its head and the attendees \
the article does not name are fictional: each is marked as fictional in their biography, and so \
are their organisations in their names.

Source: "Baku conference: Azerbaijan and NATO - 30 years of Partnership for Peace", Caliber.Az, \
by Khagan Isayev.
"""

# --- Organisations the article names -------------------------------------------------------

FOREIGN_MINISTRY = OrganisationSpec(
    "foreign-ministry",
    "Ministry of Foreign Affairs of the Republic of Azerbaijan",
    OrganisationKind.GOVERNMENT,
    country="AZ",
    short_name="MFA",
)
MILITARY_POLITICAL_AFFAIRS = OrganisationSpec(
    "military-political-affairs",
    "Military-Political Affairs Department",
    OrganisationKind.GOVERNMENT,
    country="AZ",
    parent=FOREIGN_MINISTRY.key,
)
NATO = OrganisationSpec("nato", "NATO", OrganisationKind.INTERNATIONAL)
# The article names the department and the Azerbaijani Armed Forces, not the ministry: the
# Ministry of Defence is the department's evident parent.
DEFENCE_MINISTRY = OrganisationSpec(
    "defence-ministry",
    "Ministry of Defence of the Republic of Azerbaijan",
    OrganisationKind.ARMED_FORCES,
    country="AZ",
    short_name="MoD",
)
MILITARY_COOPERATION = OrganisationSpec(
    "military-cooperation",
    "International Military Cooperation Department",
    OrganisationKind.ARMED_FORCES,
    country="AZ",
    parent=DEFENCE_MINISTRY.key,
)

# --- Fictional organisations of the fictional panellists -----------------------------------

STRATEGIC_DIALOGUE_INSTITUTE = OrganisationSpec(
    "strategic-dialogue-institute",
    "Caspian Institute for Strategic Dialogue (fictional)",
    OrganisationKind.THINK_TANK,
    country="AZ",
)
SHIRVAN_INSTITUTE = OrganisationSpec(
    "shirvan-institute",
    "Shirvan Institute of International Relations (fictional)",
    OrganisationKind.ACADEMIA,
    country="AZ",
)
ENERGY_POLICY_CENTRE = OrganisationSpec(
    "energy-policy-centre",
    "Caspian Energy Policy Centre (fictional)",
    OrganisationKind.THINK_TANK,
    country="AZ",
)
EASTVALE_UNIVERSITY = OrganisationSpec(
    "eastvale-university",
    "University of Eastvale (fictional)",
    OrganisationKind.ACADEMIA,
    country="GB",
)
ANATOLIAN_CENTRE = OrganisationSpec(
    "anatolian-centre",
    "Anatolian Centre for Security Research (fictional)",
    OrganisationKind.THINK_TANK,
    country="TR",
)
ENERGY_TRANSIT_INSTITUTE = OrganisationSpec(
    "energy-transit-institute",
    "Institute for Energy Transit Studies (fictional)",
    OrganisationKind.THINK_TANK,
    country="DE",
)
CYBER_RESILIENCE_INSTITUTE = OrganisationSpec(
    "cyber-resilience-institute",
    "Nordic Cyber Resilience Institute (fictional)",
    OrganisationKind.THINK_TANK,
    country="FI",
)

# --- Organisations of the fictional attendees ----------------------------------------------

# The outlet the article cites: real, so only its reporter below is fictional.
CALIBER = OrganisationSpec("caliber", "Caliber.Az", OrganisationKind.MEDIA, country="AZ")
LAKEMOOR_UNIVERSITY = OrganisationSpec(
    "lakemoor-university",
    "University of Lakemoor (fictional)",
    OrganisationKind.ACADEMIA,
    country="US",
)
NAREW_ACADEMY = OrganisationSpec(
    "narew-academy",
    "Narew Academy of International Studies (fictional)",
    OrganisationKind.ACADEMIA,
    country="PL",
)
RHODOPE_INSTITUTE = OrganisationSpec(
    "rhodope-institute",
    "Rhodope Institute for Security Studies (fictional)",
    OrganisationKind.ACADEMIA,
    country="BG",
)
KARTLI_UNIVERSITY = OrganisationSpec(
    "kartli-university",
    "Kartli State University (fictional)",
    OrganisationKind.ACADEMIA,
    country="GE",
)
YESILIRMAK_UNIVERSITY = OrganisationSpec(
    "yesilirmak-university",
    "Yeşilırmak University (fictional)",
    OrganisationKind.ACADEMIA,
    country="TR",
)
REGIONAL_ANALYSIS_CENTRE = OrganisationSpec(
    "regional-analysis-centre",
    "Baku Centre for Regional Analysis (fictional)",
    OrganisationKind.THINK_TANK,
    country="AZ",
)
POLDER_RISK_ANALYTICS = OrganisationSpec(
    "polder-risk-analytics",
    "Polder Risk Analytics (fictional)",
    OrganisationKind.COMPANY,
    country="NL",
)
LOIRE_INSTITUTE = OrganisationSpec(
    "loire-institute",
    "Loire Institute for Atlantic Studies (fictional)",
    OrganisationKind.THINK_TANK,
    country="FR",
)
PARTNERSHIP_AGENCY = OrganisationSpec(
    "partnership-agency",
    "State Agency for Partnership Programmes (fictional)",
    OrganisationKind.GOVERNMENT,
    country="AZ",
)
EMERGENCY_AGENCY = OrganisationSpec(
    "emergency-agency",
    "Emergency Preparedness Agency (fictional)",
    OrganisationKind.GOVERNMENT,
    country="AZ",
)
CYBER_DEFENCE_SERVICE = OrganisationSpec(
    "cyber-defence-service",
    "State Cyber Defence Service (fictional)",
    OrganisationKind.GOVERNMENT,
    country="AZ",
)
BAYIL_UNIVERSITY = OrganisationSpec(
    "bayil-university",
    "Bayıl University (fictional)",
    OrganisationKind.ACADEMIA,
    country="AZ",
)
CIVIL_SERVICE_ACADEMY = OrganisationSpec(
    "civil-service-academy",
    "Baku Academy of Civil Service (fictional)",
    OrganisationKind.ACADEMIA,
    country="AZ",
)
CONFERENCE_SERVICES = OrganisationSpec(
    "conference-services",
    "Baku Conference Services (fictional)",
    OrganisationKind.COMPANY,
    country="AZ",
)

ORGANISATIONS = (
    FOREIGN_MINISTRY,
    MILITARY_POLITICAL_AFFAIRS,
    NATO,
    DEFENCE_MINISTRY,
    MILITARY_COOPERATION,
    STRATEGIC_DIALOGUE_INSTITUTE,
    SHIRVAN_INSTITUTE,
    ENERGY_POLICY_CENTRE,
    EASTVALE_UNIVERSITY,
    ANATOLIAN_CENTRE,
    ENERGY_TRANSIT_INSTITUTE,
    CYBER_RESILIENCE_INSTITUTE,
    CALIBER,
    LAKEMOOR_UNIVERSITY,
    NAREW_ACADEMY,
    RHODOPE_INSTITUTE,
    KARTLI_UNIVERSITY,
    YESILIRMAK_UNIVERSITY,
    REGIONAL_ANALYSIS_CENTRE,
    POLDER_RISK_ANALYTICS,
    LOIRE_INSTITUTE,
    PARTNERSHIP_AGENCY,
    EMERGENCY_AGENCY,
    CYBER_DEFENCE_SERVICE,
    BAYIL_UNIVERSITY,
    CIVIL_SERVICE_ACADEMY,
    CONFERENCE_SERVICES,
)

# --- People the article names --------------------------------------------------------------

ANAR_MUTALLIMOV = PersonSpec(
    "anar.mutallimov@mfa.example.org",
    "Anar",
    "Mutallimov",
    bio=(
        "Acting Head of the Military-Political Affairs Department of Azerbaijan's Foreign Ministry."
    ),
    positions=(PositionSpec(MILITARY_POLITICAL_AFFAIRS.key, "Acting Head"),),
)
BURCU_SAN = PersonSpec(
    "burcu.san@nato.example.org",
    "Burcu",
    "San",
    bio=(
        "NATO Deputy Assistant Secretary General for Operations; headed the NATO delegation "
        "that visited Azerbaijan in November 2024."
    ),
    positions=(PositionSpec(NATO.key, "Deputy Assistant Secretary General for Operations"),),
)
ELCHIN_ABDULLAYEV = PersonSpec(
    "elchin.abdullayev@mod.example.org",
    "Elchin",
    "Abdullayev",
    honorific="Colonel",
    bio="Head of the International Military Cooperation Department.",
    positions=(PositionSpec(MILITARY_COOPERATION.key, "Head"),),
)

# --- Fictional people ----------------------------------------------------------------------

NATO_STAFF_OFFICER = PersonSpec(
    "henrik.lindqvist@nato.example.org",
    "Henrik",
    "Lindqvist",
    bio="Fictional member of the NATO delegation, for the demo.",
    positions=(PositionSpec(NATO.key, "Partnerships Staff Officer (fictional)"),),
)
NATO_PROGRAMME_OFFICER = PersonSpec(
    "chiara.benedetti@nato.example.org",
    "Chiara",
    "Benedetti",
    bio="Fictional member of the NATO delegation, for the demo.",
    positions=(PositionSpec(NATO.key, "Programme Officer (fictional)"),),
)
CONFERENCE_CHAIR = PersonSpec(
    "gunay.rahimova@example.org",
    "Günay",
    "Rəhimova",
    honorific="Dr",
    bio="Fictional conference chair for the demo.",
    positions=(PositionSpec(STRATEGIC_DIALOGUE_INSTITUTE.key, "Director"),),
)
HISTORY_MODERATOR = PersonSpec(
    "orxan.sukurov@example.org",
    "Orxan",
    "Şükürov",
    honorific="Dr",
    bio=FICTIONAL_MODERATOR_BIO,
    positions=(PositionSpec(STRATEGIC_DIALOGUE_INSTITUTE.key, "Senior Fellow"),),
)
POLICY_MODERATOR = PersonSpec(
    "sabina.qasimova@example.org",
    "Səbinə",
    "Qasımova",
    honorific="Dr",
    bio=FICTIONAL_MODERATOR_BIO,
    positions=(PositionSpec(SHIRVAN_INSTITUTE.key, "Associate Professor of Security Studies"),),
)
SECURITY_MODERATOR = PersonSpec(
    "tural.bagirov@example.org",
    "Tural",
    "Bağırov",
    bio=FICTIONAL_MODERATOR_BIO,
    positions=(PositionSpec(STRATEGIC_DIALOGUE_INSTITUTE.key, "Research Fellow"),),
)
LEYLA_MAMMADLI = PersonSpec(
    "leyla.mammadli@example.org",
    "Leyla",
    "Məmmədli",
    honorific="Prof",
    bio=FICTIONAL_PANELLIST_BIO,
    positions=(PositionSpec(SHIRVAN_INSTITUTE.key, "Professor of International Relations"),),
)
JAMES_WHITFIELD = PersonSpec(
    "james.whitfield@example.org",
    "James",
    "Whitfield",
    honorific="Dr",
    bio=FICTIONAL_PANELLIST_BIO,
    positions=(PositionSpec(EASTVALE_UNIVERSITY.key, "Reader in Security Studies"),),
)
ELIF_KORKMAZ = PersonSpec(
    "elif.korkmaz@example.org",
    "Elif",
    "Korkmaz",
    bio=FICTIONAL_PANELLIST_BIO,
    positions=(PositionSpec(ANATOLIAN_CENTRE.key, "Senior Analyst"),),
)
RAUF_NASIROV = PersonSpec(
    "rauf.nasirov@example.org",
    "Rauf",
    "Nəsirov",
    bio=FICTIONAL_PANELLIST_BIO,
    positions=(PositionSpec(STRATEGIC_DIALOGUE_INSTITUTE.key, "Research Fellow"),),
)
KAMRAN_ISMAYILZADA = PersonSpec(
    "kamran.ismayilzada@example.org",
    "Kamran",
    "İsmayılzadə",
    honorific="Dr",
    bio=FICTIONAL_PANELLIST_BIO,
    positions=(PositionSpec(SHIRVAN_INSTITUTE.key, "Lecturer in Military History"),),
)
DANIEL_BROOK = PersonSpec(
    "daniel.brook@example.org",
    "Daniel",
    "Brook",
    honorific="Dr",
    bio=FICTIONAL_PANELLIST_BIO,
    positions=(PositionSpec(EASTVALE_UNIVERSITY.key, "Lecturer in Peace Operations"),),
)
AYSEL_HUSEYNOVA = PersonSpec(
    "aysel.huseynova@example.org",
    "Aysel",
    "Hüseynova",
    bio=FICTIONAL_PANELLIST_BIO,
    positions=(PositionSpec(ENERGY_POLICY_CENTRE.key, "Senior Energy Analyst"),),
)
MARKUS_FELDMANN = PersonSpec(
    "markus.feldmann@example.org",
    "Markus",
    "Feldmann",
    honorific="Dr",
    bio=FICTIONAL_PANELLIST_BIO,
    positions=(PositionSpec(ENERGY_TRANSIT_INSTITUTE.key, "Head of Research"),),
)
INGRID_HALVORSEN = PersonSpec(
    "ingrid.halvorsen@example.org",
    "Ingrid",
    "Halvorsen",
    bio=FICTIONAL_PANELLIST_BIO,
    positions=(PositionSpec(CYBER_RESILIENCE_INSTITUTE.key, "Cyber Security Fellow"),),
)
ZAUR_JAFAROV = PersonSpec(
    "zaur.jafarov@example.org",
    "Zaur",
    "Cəfərov",
    bio=FICTIONAL_PANELLIST_BIO,
    positions=(PositionSpec(SHIRVAN_INSTITUTE.key, "Lecturer in Counter-Terrorism Studies"),),
)

# The chair, the moderators and the panellists: each attends as a speaker.
PROGRAMME_PEOPLE = (
    CONFERENCE_CHAIR,
    HISTORY_MODERATOR,
    POLICY_MODERATOR,
    SECURITY_MODERATOR,
    LEYLA_MAMMADLI,
    JAMES_WHITFIELD,
    ELIF_KORKMAZ,
    RAUF_NASIROV,
    KAMRAN_ISMAYILZADA,
    DANIEL_BROOK,
    AYSEL_HUSEYNOVA,
    MARKUS_FELDMANN,
    INGRID_HALVORSEN,
    ZAUR_JAFAROV,
)


def _attendee(
    email: str,
    given_name: str,
    family_name: str,
    organisation: OrganisationSpec,
    title: str,
    *,
    honorific: str = "",
) -> PersonSpec:
    return PersonSpec(
        email,
        given_name,
        family_name,
        honorific=honorific,
        bio=FICTIONAL_ATTENDEE_BIO,
        positions=(PositionSpec(organisation.key, title),),
    )


# Fictional attendees, after the article's list: "members of the academic community from foreign
# countries; analysts; and representatives of local government agencies and relevant educational
# institutions".
RACHEL_MORENO = _attendee(
    "rachel.moreno@example.com",
    "Rachel",
    "Moreno",
    LAKEMOOR_UNIVERSITY,
    "Associate Professor of Political Science",
    honorific="Dr",
)
TOMASZ_WROBEL = _attendee(
    "tomasz.wrobel@example.net",
    "Tomasz",
    "Wróbel",
    NAREW_ACADEMY,
    "Lecturer in Security Studies",
    honorific="Dr",
)
# A visiting academic whose name is written in Cyrillic.
SVETLA_DIMITROVA = _attendee(
    "svetla.dimitrova@example.net",
    "Светла",
    "Димитрова",
    RHODOPE_INSTITUTE,
    "Visiting Researcher",
    honorific="Dr",
)
NINO_KAPANADZE = _attendee(
    "nino.kapanadze@example.com",
    "Nino",
    "Kapanadze",
    KARTLI_UNIVERSITY,
    "Professor of International Law",
    honorific="Prof",
)
ZEYNEP_AYDOGAN = _attendee(
    "zeynep.aydogan@example.com",
    "Zeynep",
    "Aydoğan",
    YESILIRMAK_UNIVERSITY,
    "Assistant Professor of International Relations",
    honorific="Dr",
)
NARMIN_SULEYMANLI = _attendee(
    "narmin.suleymanli@example.org",
    "Nərmin",
    "Süleymanlı",
    REGIONAL_ANALYSIS_CENTRE,
    "Policy Analyst",
)
FARID_HAJIYEV = _attendee(
    "farid.hajiyev@example.org",
    "Fərid",
    "Hacıyev",
    ENERGY_POLICY_CENTRE,
    "Energy Markets Analyst",
)
PIETER_VAN_DIJK = _attendee(
    "pieter.vandijk@example.net",
    "Pieter",
    "van Dijk",
    POLDER_RISK_ANALYTICS,
    "Senior Risk Analyst",
)
EMRE_CELIK = _attendee(
    "emre.celik@example.com", "Emre", "Çelik", ANATOLIAN_CENTRE, "Research Analyst"
)
CAMILLE_LAURENT = _attendee(
    "camille.laurent@example.net", "Camille", "Laurent", LOIRE_INSTITUTE, "Research Fellow"
)
VUSAL_HASANOV = _attendee(
    "vusal.hasanov@example.org", "Vüsal", "Həsənov", PARTNERSHIP_AGENCY, "Chief Adviser"
)
KONUL_ABBASOVA = _attendee(
    "konul.abbasova@example.org", "Könül", "Abbasova", PARTNERSHIP_AGENCY, "Senior Specialist"
)
ULVIYYA_JABRAYILOVA = _attendee(
    "ulviyya.jabrayilova@example.org",
    "Ülviyyə",
    "Cəbrayılova",
    EMERGENCY_AGENCY,
    "Head of International Relations",
)
ELSHAN_NOVRUZOV = _attendee(
    "elshan.novruzov@example.org", "Elşən", "Novruzov", EMERGENCY_AGENCY, "Adviser"
)
TOGRUL_MIRZAYEV = _attendee(
    "togrul.mirzayev@example.org",
    "Toğrul",
    "Mirzəyev",
    CYBER_DEFENCE_SERVICE,
    "Deputy Head of Division",
)
FIDAN_GULIYEVA = _attendee(
    "fidan.guliyeva@example.org",
    "Fidan",
    "Quliyeva",
    SHIRVAN_INSTITUTE,
    "Senior Lecturer in Diplomacy",
)
ELVIN_AGHAYEV = _attendee(
    "elvin.aghayev@example.org",
    "Elvin",
    "Ağayev",
    BAYIL_UNIVERSITY,
    "Lecturer in Political Science",
)
GULNAR_MUSAYEVA = _attendee(
    "gulnar.musayeva@example.org",
    "Gülnar",
    "Musayeva",
    BAYIL_UNIVERSITY,
    "Head of the International Office",
)
SAIDA_RUSTAMOVA = _attendee(
    "saida.rustamova@example.org",
    "Səidə",
    "Rüstəmova",
    CIVIL_SERVICE_ACADEMY,
    "Associate Professor of Public Policy",
    honorific="Dr",
)
CHINGIZ_ASGAROV = _attendee(
    "chingiz.asgarov@example.org",
    "Çingiz",
    "Əsgərov",
    CIVIL_SERVICE_ACADEMY,
    "Lecturer in Public Law",
)

ATTENDEES = (
    RACHEL_MORENO,
    TOMASZ_WROBEL,
    SVETLA_DIMITROVA,
    NINO_KAPANADZE,
    ZEYNEP_AYDOGAN,
    NARMIN_SULEYMANLI,
    FARID_HAJIYEV,
    PIETER_VAN_DIJK,
    EMRE_CELIK,
    CAMILLE_LAURENT,
    VUSAL_HASANOV,
    KONUL_ABBASOVA,
    ULVIYYA_JABRAYILOVA,
    ELSHAN_NOVRUZOV,
    TOGRUL_MIRZAYEV,
    FIDAN_GULIYEVA,
    ELVIN_AGHAYEV,
    GULNAR_MUSAYEVA,
    SAIDA_RUSTAMOVA,
    CHINGIZ_ASGAROV,
)
OBSERVERS = (PIETER_VAN_DIJK, CAMILLE_LAURENT)
CANCELLED = (ELSHAN_NOVRUZOV, CHINGIZ_ASGAROV)

# The press: a fictional reporter of the outlet the article cites (not the article's author).
PRESS_REPORTER = _attendee(
    "laman.asadova@example.com", "Ləman", "Əsədova", CALIBER, "Reporter (fictional)"
)
STAFF = (
    _attendee(
        "nihad.karimli@example.org",
        "Nihad",
        "Kərimli",
        CONFERENCE_SERVICES,
        "Registration Desk Coordinator",
    ),
    _attendee(
        "aygun.valiyeva@example.org",
        "Aygün",
        "Vəliyeva",
        CONFERENCE_SERVICES,
        "Event Coordinator",
    ),
)

PEOPLE = (
    ANAR_MUTALLIMOV,
    BURCU_SAN,
    ELCHIN_ABDULLAYEV,
    NATO_STAFF_OFFICER,
    NATO_PROGRAMME_OFFICER,
    *PROGRAMME_PEOPLE,
    *ATTENDEES,
    PRESS_REPORTER,
    *STAFF,
)

NATO_DELEGATION_NAME = "NATO delegation"
NATO_DELEGATION_MEMBERS = (BURCU_SAN, NATO_STAFF_OFFICER, NATO_PROGRAMME_OFFICER)


def _attending(person: PersonSpec) -> RegistrationSpec:
    category = (
        RegistrationCategory.OBSERVER if person in OBSERVERS else RegistrationCategory.DELEGATE
    )
    status = RegistrationStatus.CANCELLED if person in CANCELLED else RegistrationStatus.CONFIRMED
    return RegistrationSpec(person.email, category, status)


# Everyone attends in the role the article gives them: its two named attendees speak at the
# opening; the NATO delegation registers as one; the Colonel, who met the delegation on
# 25 November, attends as a delegate.
REGISTRATIONS = (
    RegistrationSpec(ANAR_MUTALLIMOV.email, RegistrationCategory.SPEAKER),
    RegistrationSpec(
        BURCU_SAN.email, RegistrationCategory.SPEAKER, delegation=NATO_DELEGATION_NAME
    ),
    *(
        RegistrationSpec(member.email, delegation=NATO_DELEGATION_NAME)
        for member in NATO_DELEGATION_MEMBERS
        if member is not BURCU_SAN
    ),
    RegistrationSpec(ELCHIN_ABDULLAYEV.email),
    *(RegistrationSpec(person.email, RegistrationCategory.SPEAKER) for person in PROGRAMME_PEOPLE),
    *(_attending(person) for person in ATTENDEES),
    RegistrationSpec(PRESS_REPORTER.email, RegistrationCategory.PRESS),
    *(RegistrationSpec(person.email, RegistrationCategory.STAFF) for person in STAFF),
)

ROOMS = (("plenary-hall", "Plenary Hall", 200), ("meeting-room", "Meeting Room", 20))

# Slug, name, description: the discussion topics the article lists.
TRACKS = (
    (
        "partnership",
        "History, current state and future prospects of the partnership",
        "Azerbaijan's partnership with the Alliance since it joined the Partnership for Peace "
        "in 1994.",
    ),
    (
        "snt-program",
        "Achievements of the SNT program",
        'The achievements of the programme the source article calls the "SNT program".',
    ),
    (
        "peacekeeping",
        "Contributions to NATO-led peacekeeping operations",
        "Azerbaijan's contributions to NATO-led peacekeeping operations.",
    ),
    (
        "energy-security",
        "Energy security in the European region",
        "Azerbaijan's role in ensuring energy security in the European region.",
    ),
    (
        "science-for-peace",
        "Science for Peace and Security: counter-terrorism and cyber security",
        "NATO's Science for Peace and Security programme, which has underpinned cooperation "
        "to enhance counter-terrorism and strengthen cyber security.",
    ),
)


def _role(person: PersonSpec, role: RoleKind) -> RoleSpec:
    return RoleSpec(person.email, role)


def _panel(
    key: str,
    title: str,
    track: str,
    starts: time,
    ends: time,
    abstract: str,
    moderator: PersonSpec,
    panellists: tuple[PersonSpec, ...],
) -> SessionSpec:
    return SessionSpec(
        key,
        title,
        SessionKind.PANEL,
        CONFERENCE_DAY,
        starts,
        ends,
        room="plenary-hall",
        track=track,
        abstract=abstract,
        roles=(
            _role(moderator, RoleKind.MODERATOR),
            *(_role(panellist, RoleKind.PANELLIST) for panellist in panellists),
        ),
    )


BILATERAL_MEETING = SessionSpec(
    "meeting-nato-delegation",
    "Meeting with the NATO delegation",
    SessionKind.MEETING,
    MEETING_DAY,
    time(11, 0),
    time(12, 30),
    room="meeting-room",
    visibility=Visibility.CLOSED,
    abstract=(
        "The Head of the International Military Cooperation Department, Colonel Elchin "
        "Abdullayev, meets the NATO delegation headed by NATO Deputy Assistant Secretary "
        "General Burcu San. Topics: the implementation of commitments outlined in the "
        '"Individually Tailored Partnership Programme" (ITPP), the primary legal framework for '
        "cooperation with NATO; Azerbaijan's participation in international security missions; "
        "the training of military units declared by the Azerbaijani Armed Forces for integration "
        "into NATO's Joint Armed Forces under the Operational Capabilities Concept; and the "
        "contributions of Azerbaijani personnel serving in NATO headquarters and structures "
        'under the "Partnership Staff Positions" concept.'
    ),
    roles=(
        _role(ELCHIN_ABDULLAYEV, RoleKind.CHAIR),
        *(_role(member, RoleKind.PARTICIPANT) for member in NATO_DELEGATION_MEMBERS),
    ),
)

SESSIONS = (
    BILATERAL_MEETING,
    SessionSpec(
        "registration",
        "Registration and welcome coffee",
        SessionKind.BREAK,
        CONFERENCE_DAY,
        time(9, 0),
        time(9, 30),
    ),
    SessionSpec(
        "opening",
        "Opening plenary: 30 years of Partnership for Peace",
        SessionKind.PLENARY,
        CONFERENCE_DAY,
        time(9, 30),
        time(10, 30),
        room="plenary-hall",
        abstract=(
            "Opening statements marking the 30th anniversary of Azerbaijan's accession to the "
            "Partnership for Peace framework document."
        ),
        roles=(
            _role(CONFERENCE_CHAIR, RoleKind.CHAIR),
            _role(ANAR_MUTALLIMOV, RoleKind.SPEAKER),
            _role(BURCU_SAN, RoleKind.SPEAKER),
        ),
    ),
    _panel(
        "panel-partnership",
        "Thirty years of partnership: history, current state and future prospects",
        "partnership",
        time(10, 30),
        time(11, 30),
        "How Azerbaijan's partnership with the Alliance developed since 1994, where it stands "
        "and where it may go next.",
        HISTORY_MODERATOR,
        (LEYLA_MAMMADLI, JAMES_WHITFIELD, ELIF_KORKMAZ),
    ),
    _panel(
        "panel-snt-program",
        "Achievements of the SNT program",
        "snt-program",
        time(11, 30),
        time(12, 30),
        "What the SNT program has achieved in Azerbaijan's cooperation with NATO.",
        POLICY_MODERATOR,
        (RAUF_NASIROV, JAMES_WHITFIELD),
    ),
    SessionSpec(
        "lunch",
        "Lunch",
        SessionKind.BREAK,
        CONFERENCE_DAY,
        time(12, 30),
        time(13, 30),
    ),
    _panel(
        "panel-peacekeeping",
        "Azerbaijan's contributions to NATO-led peacekeeping operations",
        "peacekeeping",
        time(13, 30),
        time(14, 30),
        "Azerbaijani contributions to NATO-led peacekeeping operations and what they have "
        "meant for interoperability.",
        HISTORY_MODERATOR,
        (KAMRAN_ISMAYILZADA, DANIEL_BROOK, ELIF_KORKMAZ),
    ),
    _panel(
        "panel-energy-security",
        "Energy security in the European region",
        "energy-security",
        time(14, 30),
        time(15, 30),
        "Azerbaijan's role in ensuring energy security in the European region.",
        POLICY_MODERATOR,
        (AYSEL_HUSEYNOVA, MARKUS_FELDMANN),
    ),
    SessionSpec(
        "coffee",
        "Coffee break",
        SessionKind.BREAK,
        CONFERENCE_DAY,
        time(15, 30),
        time(15, 45),
    ),
    _panel(
        "panel-science-for-peace",
        "Science for Peace and Security: counter-terrorism and cyber security",
        "science-for-peace",
        time(15, 45),
        time(16, 45),
        "How NATO's Science for Peace and Security programme has underpinned cooperation to "
        "enhance counter-terrorism and strengthen cyber security.",
        SECURITY_MODERATOR,
        (INGRID_HALVORSEN, ZAUR_JAFAROV, DANIEL_BROOK),
    ),
    SessionSpec(
        "closing",
        "Closing remarks",
        SessionKind.PLENARY,
        CONFERENCE_DAY,
        time(16, 45),
        time(17, 15),
        room="plenary-hall",
        roles=(_role(CONFERENCE_CHAIR, RoleKind.SPEAKER),),
    ),
)


# The event's name and the sessions' titles in the interface's other languages (the texts
# themselves are in confkit.demo.pfp30_translations).
NAME_TRANSLATIONS = {language: texts["name"] for language, texts in translations.EVENT.items()}
TITLE_TRANSLATIONS = {
    key: {language: texts["title"] for language, texts in by_language.items()}
    for key, by_language in translations.SESSIONS.items()
}


def load_pfp30(db: DbSession, *, now: datetime) -> Event:
    """Load the ``pfp30-baku`` event, or return it untouched if it is already there."""
    loaded = existing_event(db, SLUG)
    if loaded is not None:
        return loaded
    builder = DemoBuilder(db, now)
    venue = builder.venue(name="Conference venue, Baku", city="Baku", country="AZ")
    event = services.create_event(
        db,
        slug=SLUG,
        name="Azerbaijan and NATO: 30 years of Partnership for Peace",
        timezone=TIMEZONE,
        starts_on=MEETING_DAY,
        ends_on=CONFERENCE_DAY,
        venue=venue,
        description=DESCRIPTION,
        languages=["en", "az"],
        registration_closes_at=REGISTRATION_CLOSES_AT,
        now=now,
    )
    for slug, name, capacity in ROOMS:
        services.add_room(db, event, slug=slug, name=name, capacity=capacity, now=now)
    for slug, name, description in TRACKS:
        services.add_track(db, event, slug=slug, name=name, description=description, now=now)
    builder.add_organisations(ORGANISATIONS)
    builder.add_people(PEOPLE)
    services.create_delegation(
        db,
        event,
        name=NATO_DELEGATION_NAME,
        head=builder.people[BURCU_SAN.email],
        members=[builder.people[member.email] for member in NATO_DELEGATION_MEMBERS],
        organisation=builder.organisations[NATO.key],
    )
    sessions = builder.add_sessions(event, SESSIONS)
    builder.translate(
        event,
        translations.EVENT,
        {
            programme_session: translations.SESSIONS[spec.key]
            for spec, programme_session in zip(SESSIONS, sessions, strict=True)
        },
    )
    builder.add_registrations(event, REGISTRATIONS, first_registered_at=REGISTRATIONS_FROM)
    return event
