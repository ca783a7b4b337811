#!/usr/bin/env python3
"""Generate the same synthetic bilingual briefing site in three formats:
briefing (this project's content format), hugo, zola.

usage: gen_site.py FORMAT N OUTDIR [--seed-text FILE]

Each report has a Chinese source file and an English translation, five
metrics, ~900 CJK characters of hard-wrapped Chinese prose and ~450 English
words. Deterministic for a given N.
"""
import os, random, re, sys, textwrap

FMT, N, OUT = sys.argv[1], int(sys.argv[2]), sys.argv[3]
SEED_TEXT = os.environ.get("SEED_TEXT", os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "pages", "seed-kexue-daobao-a2.txt"))

raw = open(SEED_TEXT, encoding="utf-8").read()
joined = re.sub(r"\s*\n\s*", "", raw)
clauses = [c for c in re.split(r"[，。；！？]", joined) if 6 <= len(c) <= 40]
EN_WORDS = ("zone park investment policy cluster industry supply chain factory project "
            "reform service enterprise capital talent green power logistics warehouse "
            "optical mechanical electronic vision materials carbide copper magnesium "
            "solar battery storage semiconductor display chip packaging transfer "
            "approval platform incubator employment training finance credit bank "
            "infrastructure road water gas heating standard plant clean room").split()
REGIONS = [("晋城", "Jincheng"), ("霍州", "Huozhou"), ("太原", "Taiyuan"), ("垣曲", "Yuanqu"),
           ("原平", "Yuanping"), ("长治", "Changzhi"), ("运城", "Yuncheng"), ("大同", "Datong")]
TAGS = [("光机电", "opto-mechatronics"), ("营商环境", "business environment"), ("物流", "logistics"),
        ("产业转移", "industrial relocation"), ("装备制造", "equipment manufacturing"), ("光电半导体", "optoelectronics")]
UNITS = [("亿元", "investment", "投资"), ("万平方米", "plant_area", "厂房面积"), ("台", "machines", "设备"),
         ("个", "projects", "项目"), ("%", "local_rate", "本地配套率"), ("人", "jobs", "带动就业"),
         ("家", "firms", "入驻企业"), ("平方公里", "land", "规划面积")]
EN_LABEL = {"investment": "Investment", "plant_area": "Plant floor area", "machines": "Machines installed",
            "projects": "Projects", "local_rate": "Local supply rate", "jobs": "Jobs created",
            "firms": "Firms on site", "land": "Planned area"}


def zh_body(rng):
    paras = []
    for _ in range(6):
        s = "，".join(rng.choice(clauses) for _ in range(rng.randint(4, 7))) + "。"
        paras.append("\n".join(textwrap.wrap(s, 18)))  # hard-wrapped like the newspaper text
    return "## 要点\n\n" + "\n\n".join(paras[:3]) + "\n\n## 背景\n\n" + "\n\n".join(paras[3:]) + "\n"


def en_body(rng):
    paras = []
    for _ in range(6):
        sents = []
        for _ in range(rng.randint(3, 5)):
            w = [rng.choice(EN_WORDS) for _ in range(rng.randint(10, 20))]
            sents.append(" ".join(w).capitalize() + ".")
        paras.append(textwrap.fill(" ".join(sents), 78))
    return "## Key points\n\n" + "\n\n".join(paras[:3]) + "\n\n## Background\n\n" + "\n\n".join(paras[3:]) + "\n"


def report(i):
    rng = random.Random(i)
    reg = rng.choice(REGIONS)
    tags = rng.sample(TAGS, 2)
    mets = []
    for unit, key, zl in rng.sample(UNITS, 5):
        v = rng.choice([rng.randint(1, 999), round(rng.uniform(1, 500), 1)])
        mets.append((key, zl, v, unit))
    date = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return dict(slug=f"report-{i:05d}", reg=reg, tags=tags, mets=mets, date=date,
                zh_title=f"{reg[0]}经开区" + rng.choice(clauses)[:14],
                en_title=f"{reg[1]} zone: " + " ".join(rng.choice(EN_WORDS) for _ in range(6)),
                zh=zh_body(rng), en=en_body(rng))


def q(s):
    return '"' + s.replace('"', '\\"') + '"'


def w(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def gen_briefing():
    w(f"{OUT}/site.yaml", "title:\n  zh: 山西开发区简报\n  en: Shanxi Development Zones Briefing\n"
      "base_url: https://example.org/\nlanguages: [zh, en]\ntheme: default\n")
    w(f"{OUT}/content/reports/_index.zh.md", "---\ntitle: 报告\n---\n")
    w(f"{OUT}/content/reports/_index.en.md", "---\ntitle: Reports\n---\n")
    for i in range(N):
        r = report(i)
        zm = "".join(f"  - key: {k}\n    label: {zl}\n    value: {v}\n    unit: {q(u)}\n" for k, zl, v, u in r["mets"])
        em = "".join(f"  - key: {k}\n    label: {EN_LABEL[k]}\n" for k, zl, v, u in r["mets"])
        w(f"{OUT}/content/reports/{r['slug']}.zh.md",
          f"---\ntitle: {q(r['zh_title'])}\ndate: {r['date']}\nregion: {r['reg'][0]}\n"
          f"tags: [{', '.join(t[0] for t in r['tags'])}]\nsource:\n  publication: 科学导报\n  author: 王波\nmetrics:\n{zm}---\n\n{r['zh']}")
        w(f"{OUT}/content/reports/{r['slug']}.en.md",
          f"---\ntitle: {q(r['en_title'])}\nregion: {r['reg'][1]}\n"
          f"tags: [{', '.join(t[1] for t in r['tags'])}]\nmetrics:\n{em}---\n\n{r['en']}")


HUGO_BASEOF = """<!doctype html><html lang="{{ .Language.Lang }}"><head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title>
{{ range .Translations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">{{ end }}</head>
<body><header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>{{ range .Translations }} <a href="{{ .RelPermalink }}">{{ .Language.LanguageName }}</a>{{ end }}</header>
<main>{{ block "main" . }}{{ end }}</main></body></html>"""
HUGO_SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1><p><time>{{ .Date.Format "2006-01-02" }}</time> {{ .Params.region }}</p>
<table>{{ range .Params.metrics }}<tr><th>{{ .label }}</th><td>{{ .value }} {{ .unit }}</td></tr>{{ end }}</table>
{{ .Content }}<p>{{ range .Params.tags }}<span>{{ . }}</span> {{ end }}</p></article>{{ end }}"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ $p := .Paginate .Pages }}{{ range $p.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time></li>{{ end }}</ul>
{{ template "_internal/pagination.html" . }}{{ end }}"""


def gen_hugo():
    w(f"{OUT}/config.yaml", "baseURL: https://example.org/\ndefaultContentLanguage: zh\ndefaultContentLanguageInSubdir: true\n"
      "paginate: 50\nhasCJKLanguage: true\ndisableKinds: [taxonomy, term, RSS, sitemap, robotsTXT]\nlanguages:\n"
      "  zh:\n    languageName: 中文\n    title: 山西开发区简报\n    weight: 1\n"
      "  en:\n    languageName: English\n    title: Shanxi Development Zones Briefing\n    weight: 2\n"
      "markup:\n  goldmark:\n    extensions:\n      cjk:\n        enable: true\n        eastAsianLineBreaks: true\n")
    w(f"{OUT}/layouts/_default/baseof.html", HUGO_BASEOF)
    w(f"{OUT}/layouts/_default/single.html", HUGO_SINGLE)
    w(f"{OUT}/layouts/_default/list.html", HUGO_LIST)
    w(f"{OUT}/layouts/index.html", HUGO_LIST)
    for i in range(N):
        r = report(i)
        zm = "".join(f"  - key: {k}\n    label: {zl}\n    value: {v}\n    unit: {q(u)}\n" for k, zl, v, u in r["mets"])
        em = "".join(f"  - key: {k}\n    label: {EN_LABEL[k]}\n    value: {v}\n    unit: {q(u)}\n" for k, zl, v, u in r["mets"])
        w(f"{OUT}/content/reports/{r['slug']}.zh.md",
          f"---\ntitle: {q(r['zh_title'])}\ndate: {r['date']}\nregion: {r['reg'][0]}\ntags: [{', '.join(t[0] for t in r['tags'])}]\nmetrics:\n{zm}---\n\n{r['zh']}")
        w(f"{OUT}/content/reports/{r['slug']}.en.md",
          f"---\ntitle: {q(r['en_title'])}\ndate: {r['date']}\nregion: {r['reg'][1]}\ntags: [{', '.join(t[1] for t in r['tags'])}]\nmetrics:\n{em}---\n\n{r['en']}")


ZOLA_BASE = """<!doctype html><html lang="{{ lang }}"><head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock %}</title></head>
<body><header><a href="{{ get_url(path='/', lang=lang) }}">{{ config.title }}</a></header><main>{% block main %}{% endblock %}</main></body></html>"""
ZOLA_PAGE = """{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}{% block main %}<article><h1>{{ page.title }}</h1>
<p><time>{{ page.date }}</time> {{ page.extra.region }}</p>{% for t in page.translations %}<a href="{{ t.permalink }}">{{ t.lang }}</a> {% endfor %}
<table>{% for m in page.extra.metrics %}<tr><th>{{ m.label }}</th><td>{{ m.value }} {{ m.unit }}</td></tr>{% endfor %}</table>
{{ page.content | safe }}<p>{% for t in page.extra.tags %}<span>{{ t }}</span> {% endfor %}</p></article>{% endblock %}"""
ZOLA_SECTION = """{% extends "base.html" %}{% block main %}<h1>{{ section.title }}</h1><ul>{% for p in paginator.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a> <time>{{ p.date }}</time></li>{% endfor %}</ul>
{% if paginator.previous %}<a href="{{ paginator.previous }}">prev</a>{% endif %} {% if paginator.next %}<a href="{{ paginator.next }}">next</a>{% endif %}{% endblock %}"""
ZOLA_INDEX = """{% extends "base.html" %}{% block main %}<h1>{{ config.title }}</h1>{% endblock %}"""


def gen_zola():
    w(f"{OUT}/config.toml", 'base_url = "https://example.org"\ndefault_language = "zh"\ntitle = "山西开发区简报"\n'
      'build_search_index = true\ncompile_sass = false\n\n[search]\ninclude_content = true\n\n[languages.en]\ntitle = "Shanxi Development Zones Briefing"\nbuild_search_index = true\n')
    w(f"{OUT}/templates/base.html", ZOLA_BASE)
    w(f"{OUT}/templates/page.html", ZOLA_PAGE)
    w(f"{OUT}/templates/section.html", ZOLA_SECTION)
    w(f"{OUT}/templates/index.html", ZOLA_INDEX)
    for lang, suf in (("zh", ""), ("en", ".en")):
        w(f"{OUT}/content/_index{suf}.md", "+++\n+++\n")
        w(f"{OUT}/content/reports/_index{suf}.md", f"+++\ntitle = \"{'报告' if lang == 'zh' else 'Reports'}\"\nsort_by = \"date\"\npaginate_by = 50\n+++\n")
    for i in range(N):
        r = report(i)
        zm = "".join(f"    - key: {k}\n      label: {zl}\n      value: {v}\n      unit: {q(u)}\n" for k, zl, v, u in r["mets"])
        em = "".join(f"    - key: {k}\n      label: {EN_LABEL[k]}\n      value: {v}\n      unit: {q(u)}\n" for k, zl, v, u in r["mets"])
        w(f"{OUT}/content/reports/{r['slug']}.md",
          f"---\ntitle: {q(r['zh_title'])}\ndate: {r['date']}\nextra:\n  region: {r['reg'][0]}\n  tags: [{', '.join(t[0] for t in r['tags'])}]\n  metrics:\n{zm}---\n\n{r['zh']}")
        w(f"{OUT}/content/reports/{r['slug']}.en.md",
          f"---\ntitle: {q(r['en_title'])}\ndate: {r['date']}\nextra:\n  region: {r['reg'][1]}\n  tags: [{', '.join(t[1] for t in r['tags'])}]\n  metrics:\n{em}---\n\n{r['en']}")


{"briefing": gen_briefing, "hugo": gen_hugo, "zola": gen_zola}[FMT]()
print(f"{FMT}: {N} reports -> {OUT}")
