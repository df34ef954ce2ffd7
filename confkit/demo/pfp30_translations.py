"""The ``pfp30-baku`` demo's content in Azerbaijani and Russian: the event's name and description,
and every session's title and abstract, keyed as in :mod:`confkit.demo.pfp30`.

People's names are written as each language writes them; titles of sources and the word
"(fictional)" in the names of organisations stay as the records have them.
"""

from __future__ import annotations

from typing import Final

from confkit.demo.builder import Texts

EVENT: Final[Texts] = {
    "az": {
        "name": "Azərbaycan və NATO: Sülh Naminə Tərəfdaşlığın 30 ili",
        "description": """\
Azərbaycanın NATO-nun «Sülh Naminə Tərəfdaşlıq» proqramının Çərçivə sənədinə qoşulmasının 30 \
illiyinə həsr olunmuş Bakı elmi-praktiki konfransı. Azərbaycan bu proqrama 1994-cü ildə qoşulub.

Konfransda Azərbaycanın Alyansla tərəfdaşlığının tarixi, bugünkü vəziyyəti və gələcək \
perspektivləri, SNT proqramının nailiyyətləri, Azərbaycanın NATO-nun rəhbərlik etdiyi \
sülhməramlı əməliyyatlara töhfələri, ölkəmizin Avropa regionunun enerji təhlükəsizliyinin təmin \
olunmasındakı rolu və Azərbaycanın NATO ilə əməkdaşlığından irəli gələn digər mövzular müzakirə \
olunub. NATO-nun «Sülh və Təhlükəsizlik Naminə Elm» proqramı terrorizmlə mübarizənin \
gücləndirilməsi və kibertəhlükəsizliyin möhkəmləndirilməsi sahəsində əməkdaşlığa dayaq olub.

Konfransda Azərbaycan Xarici İşlər Nazirliyinin Hərbi-siyasi məsələlər departamentinin \
rəhbərinin səlahiyyətlərini icra edən Anar Mütəllimov, NATO Baş katibinin əməliyyatlar üzrə \
köməkçisinin müavini Burcu San, xarici ölkələrin akademik ictimaiyyətinin nümayəndələri, \
analitiklər, yerli dövlət qurumlarının və müvafiq təhsil müəssisələrinin təmsilçiləri iştirak \
ediblər. Noyabrın 25-də Beynəlxalq hərbi əməkdaşlıq idarəsinin rəisi polkovnik Elçin Abdullayev \
Burcu Sanın rəhbərlik etdiyi NATO nümayəndə heyəti ilə görüşüb.

Bu demo haqqında: mənbədə proqramın saatları göstərilmir, ona görə də burada verilən cədvəl \
nümunə xarakteri daşıyır. Moderatorlar, panel iştirakçıları, NATO nümayəndə heyətinin \
rəhbərindən başqa üzvləri və məqalədə adı çəkilməyən iştirakçılar uydurmadır: bu, onların hər \
birinin tərcümeyi-halında, təşkilatlarının adında isə «fictional» sözü ilə göstərilib.

Mənbə: «Baku conference: Azerbaijan and NATO - 30 years of Partnership for Peace», Caliber.Az, \
müəllif: Xaqan İsayev.
""",
    },
    "ru": {
        "name": "Азербайджан и НАТО: 30 лет «Партнёрства ради мира»",
        "description": """\
Научно-практическая конференция в Баку, посвящённая 30-летию присоединения Азербайджана к \
Рамочному документу программы НАТО «Партнёрство ради мира», к которой Азербайджан \
присоединился в 1994 году.

На конференции обсуждались история, нынешнее состояние и перспективы партнёрства Азербайджана \
с Альянсом, достижения программы SNT, вклад Азербайджана в миротворческие операции под \
руководством НАТО, его роль в обеспечении энергетической безопасности европейского региона и \
другие темы, связанные с сотрудничеством Азербайджана и НАТО. Программа НАТО «Наука ради мира \
и безопасности» служит опорой сотрудничества в усилении борьбы с терроризмом и укреплении \
кибербезопасности.

В конференции приняли участие исполняющий обязанности руководителя департамента \
военно-политических вопросов МИД Азербайджана Анар Муталлимов, заместитель помощника \
генерального секретаря НАТО по операциям Бурджу Сан, представители академического сообщества \
зарубежных стран, аналитики, а также представители местных государственных органов и профильных \
учебных заведений. 25 ноября начальник Управления международного военного сотрудничества \
полковник Эльчин Абдуллаев встретился с делегацией НАТО во главе с Бурджу Сан.

О демонстрации: в источнике нет расписания, поэтому приведённое здесь расписание условно. \
Модераторы, участники дискуссий, члены делегации НАТО, кроме её главы, и участники, которых \
статья не называет, вымышлены: это указано в биографии каждого из них, а у их организаций — \
словом «fictional» в названии.

Источник: «Baku conference: Azerbaijan and NATO - 30 years of Partnership for Peace», \
Caliber.Az, автор — Хаган Исаев.
""",
    },
}

SESSIONS: Final[dict[str, Texts]] = {
    "meeting-nato-delegation": {
        "az": {
            "title": "NATO nümayəndə heyəti ilə görüş",
            "abstract": (
                "Beynəlxalq hərbi əməkdaşlıq idarəsinin rəisi polkovnik Elçin Abdullayev NATO "
                "Baş katibinin köməkçisinin müavini Burcu Sanın rəhbərlik etdiyi NATO "
                "nümayəndə heyəti ilə görüşür. Mövzular: NATO ilə əməkdaşlığın əsas hüquqi "
                "çərçivəsi olan «Fərdi Tərəfdaşlıq Proqramı» (ITPP) üzrə öhdəliklərin icrası; "
                "Azərbaycanın beynəlxalq təhlükəsizlik missiyalarında iştirakı; Azərbaycan "
                "Silahlı Qüvvələrinin «Əməliyyat imkanları konsepsiyası» çərçivəsində NATO-nun "
                "Birgə Silahlı Qüvvələrinə inteqrasiya üçün elan etdiyi hərbi hissələrin "
                "hazırlığı; «Tərəfdaşlıq qərargah vəzifələri» konsepsiyası üzrə NATO-nun "
                "qərargah və strukturlarında xidmət edən azərbaycanlı hərbçilərin töhfəsi."
            ),
        },
        "ru": {
            "title": "Встреча с делегацией НАТО",
            "abstract": (
                "Начальник Управления международного военного сотрудничества полковник Эльчин "
                "Абдуллаев встречается с делегацией НАТО во главе с заместителем помощника "
                "генерального секретаря НАТО Бурджу Сан. Темы: выполнение обязательств по "
                "«Индивидуально адаптированной программе партнёрства» (ITPP) — основной "
                "правовой базе сотрудничества с НАТО; участие Азербайджана в международных "
                "миссиях по обеспечению безопасности; подготовка воинских подразделений, "
                "заявленных Вооружёнными силами Азербайджана для интеграции в Объединённые "
                "вооружённые силы НАТО в рамках Концепции оперативных возможностей; вклад "
                "азербайджанских военнослужащих, проходящих службу в штабах и структурах НАТО "
                "по концепции «Штатные должности партнёрства»."
            ),
        },
    },
    "registration": {
        "az": {"title": "Qeydiyyat və qarşılama qəhvəsi"},
        "ru": {"title": "Регистрация и приветственный кофе"},
    },
    "opening": {
        "az": {
            "title": "Açılış plenar iclası: Sülh Naminə Tərəfdaşlığın 30 ili",
            "abstract": (
                "Azərbaycanın «Sülh Naminə Tərəfdaşlıq» proqramının Çərçivə sənədinə "
                "qoşulmasının 30 illiyi münasibətilə açılış çıxışları."
            ),
        },
        "ru": {
            "title": "Открытие, пленарное заседание: 30 лет «Партнёрства ради мира»",
            "abstract": (
                "Вступительные выступления по случаю 30-летия присоединения Азербайджана к "
                "Рамочному документу «Партнёрства ради мира»."
            ),
        },
    },
    "panel-partnership": {
        "az": {
            "title": "Otuz illik tərəfdaşlıq: tarix, bugünkü vəziyyət və gələcək perspektivlər",
            "abstract": (
                "Azərbaycanın Alyansla tərəfdaşlığı 1994-cü ildən bəri necə inkişaf edib, bu "
                "gün hansı mərhələdədir və bundan sonra hansı istiqamətdə irəliləyə bilər."
            ),
        },
        "ru": {
            "title": "Тридцать лет партнёрства: история, нынешнее состояние и перспективы",
            "abstract": (
                "Как развивалось партнёрство Азербайджана с Альянсом с 1994 года, где оно "
                "находится сегодня и куда может двигаться дальше."
            ),
        },
    },
    "panel-snt-program": {
        "az": {
            "title": "SNT proqramının nailiyyətləri",
            "abstract": "SNT proqramının Azərbaycanın NATO ilə əməkdaşlığında əldə etdikləri.",
        },
        "ru": {
            "title": "Достижения программы SNT",
            "abstract": "Чего программа SNT достигла в сотрудничестве Азербайджана с НАТО.",
        },
    },
    "lunch": {"az": {"title": "Nahar"}, "ru": {"title": "Обед"}},
    "panel-peacekeeping": {
        "az": {
            "title": "Azərbaycanın NATO-nun rəhbərlik etdiyi sülhməramlı əməliyyatlara töhfələri",
            "abstract": (
                "Azərbaycanın NATO-nun rəhbərlik etdiyi sülhməramlı əməliyyatlara töhfələri və "
                "bunun qarşılıqlı uyğunluq baxımından əhəmiyyəti."
            ),
        },
        "ru": {
            "title": "Вклад Азербайджана в миротворческие операции под руководством НАТО",
            "abstract": (
                "Вклад Азербайджана в миротворческие операции под руководством НАТО и его "
                "значение для оперативной совместимости."
            ),
        },
    },
    "panel-energy-security": {
        "az": {
            "title": "Avropa regionunda enerji təhlükəsizliyi",
            "abstract": (
                "Azərbaycanın Avropa regionunda enerji təhlükəsizliyinin təmin olunmasında rolu."
            ),
        },
        "ru": {
            "title": "Энергетическая безопасность в европейском регионе",
            "abstract": (
                "Роль Азербайджана в обеспечении энергетической безопасности европейского региона."
            ),
        },
    },
    "coffee": {"az": {"title": "Qəhvə fasiləsi"}, "ru": {"title": "Кофе-брейк"}},
    "panel-science-for-peace": {
        "az": {
            "title": "Sülh və Təhlükəsizlik Naminə Elm: terrorizmlə mübarizə və kibertəhlükəsizlik",
            "abstract": (
                "NATO-nun «Sülh və Təhlükəsizlik Naminə Elm» proqramı terrorizmlə mübarizənin "
                "gücləndirilməsi və kibertəhlükəsizliyin möhkəmləndirilməsi sahəsində "
                "əməkdaşlığa necə dəstək olub."
            ),
        },
        "ru": {
            "title": "«Наука ради мира и безопасности»: борьба с терроризмом и кибербезопасность",
            "abstract": (
                "Как программа НАТО «Наука ради мира и безопасности» поддерживала "
                "сотрудничество в усилении борьбы с терроризмом и укреплении кибербезопасности."
            ),
        },
    },
    "closing": {
        "az": {"title": "Yekun çıxış"},
        "ru": {"title": "Заключительное слово"},
    },
}
