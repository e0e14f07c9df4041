# ruff: noqa: E501  (HTML templates read better unwrapped)
"""Write the saved-page corpus: article bodies wrapped in the markup of six kinds of news page.

Each page is what "Save page as" gives for a story on an ordinary news site: menu, cookie
banner, ticker strip, share buttons, byline and dateline, related and most-read boxes,
footer, scripts. Every block that is not the article carries a unique marker word
(`zqmark` + two digits), so a test can grep the index, briefs and answers for any leak.
`expected/<name>.json` holds, for `html/<name>.html`, what extraction must give: title, date, author, the
body paragraphs, and the markers.

Bodies are the seeds and the opening paragraphs of Wikipedia articles from
../shared/corpora (CC BY-SA 4.0), given news-style headlines. Run once; the output is
committed:

    python evals/pages/make_pages.py
"""

from __future__ import annotations

import html
import itertools
import json
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
WIKI = ROOT.parent / "shared" / "corpora" / "wiki-articles"

_counter = itertools.count(1)


def marker() -> str:
    return f"zqmark{next(_counter):02d}"


def paragraphs(path: Path, n: int, skip_first: int = 0) -> list[str]:
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    out = [ln for ln in lines[skip_first:] if len(ln.split()) >= 12]
    return out[:n]


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def ps(body: list[str], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return "\n".join(f"<p{attr}>{esc(p)}</p>" for p in body)


def cookie(m: str) -> str:
    return f"""<div id="cookie-consent" class="consent-banner" role="dialog">
<p>We use cookies to personalise content and ads, to provide social media features and to
analyse our traffic. We and our 143 partners store and access information on your device
({m}).</p>
<button>Accept all</button> <button>Manage preferences</button> <button>Reject all</button>
</div>"""


def nav(m: str, site: str) -> str:
    return f"""<header class="site-header"><a class="logo" href="/">{esc(site)}</a>
<nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/markets">Markets</a></li>
<li><a href="/tech">Technology</a></li><li><a href="/world">World</a></li>
<li><a href="/opinion">Opinion</a></li><li><a href="/subscribe">Subscribe {m}</a></li></ul>
</nav></header>"""


def ticker(m: str) -> str:
    quotes = [("AAPL", "+1.24%"), ("MSFT", "-0.41%"), ("BABA", "+3.10%"), ("Oil", "-3.02%")]
    items = "".join(
        f'<li><span class="sym">{s}</span> <span class="chg">{c}</span></li>' for s, c in quotes
    )
    return f'<div class="ticker-strip" aria-label="Markets"><ul>{items}<li>{m}</li></ul></div>'


def share(m: str) -> str:
    return f"""<div class="share-tools"><span>Share</span>
<a href="#">Facebook</a> <a href="#">X</a> <a href="#">LinkedIn</a> <a href="#">Email {m}</a></div>"""


def related(m: str, heading: str = "Related stories") -> str:
    return f"""<aside class="related"><h2>{heading}</h2><ul>
<li><a href="/a1">Nortek Robotics Inc shares jump 24% after surprise profit {m}</a></li>
<li><a href="/a2">Revenue -22%: what the slump means for chipmakers</a></li>
<li><a href="/a3">Central bank holds rates, signals cut in autumn</a></li></ul></aside>"""


def most_read(m: str) -> str:
    return f"""<section class="most-read"><h3>Most read</h3><ol>
<li><a href="/m1">Oil falls 3% as supply fears ease {m}</a></li>
<li><a href="/m2">The ten best savings accounts this month</a></li>
<li><a href="/m3">Opinion: why the housing market will not cool</a></li></ol></section>"""


def newsletter(m: str) -> str:
    return f"""<div class="newsletter-signup"><h4>Get the Morning Briefing</h4>
<p>The day's top stories in your inbox every weekday. {m}</p>
<form><input type="email" placeholder="Email address"><button>Sign up</button></form></div>"""


def footer(m: str, site: str) -> str:
    return f"""<footer class="site-footer"><ul><li><a href="/about">About us</a></li>
<li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a></li>
<li><a href="/careers">Careers</a></li></ul>
<p>© 2025 {esc(site)}. All rights reserved. {m}</p></footer>"""


SCRIPTS = """<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}</script>
<script type="application/json" id="ad-config">{"slots":["top","mid"],"note":"not article text"}</script>
<style>.ticker-strip{overflow:hidden}.consent-banner{position:fixed}</style>"""


def page_wire(
    body: list[str], title: str, date: str, human_date: str, author: str
) -> tuple[str, list[str]]:
    site = "Global Wire"
    ms = [marker() for _ in range(6)]
    dateline, *rest = body
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{esc(title)} | {site}</title>
<meta property="og:title" content="{esc(title)}">
<meta property="og:site_name" content="{site}">
<meta name="author" content="{esc(author)}">
<meta property="article:published_time" content="{date}T07:42:00Z">
<link rel="canonical" href="https://www.globalwire.example/business/{date}/story-1234">
{SCRIPTS}</head>
<body>{cookie(ms[0])}{nav(ms[1], site)}
<main><article>
<h1>{esc(title)}</h1>
<div class="byline">By <a rel="author" href="/authors/x">{esc(author)}</a> · <time datetime="{date}T07:42:00Z">{human_date}</time></div>
{share(ms[2])}
<div class="article-body">
<p>{esc(dateline)}</p>
{ps(rest)}
</div>
{related(ms[3])}
</article></main>
{most_read(ms[4])}
{footer(ms[5], site)}
</body></html>"""
    return page, ms


def page_markets(
    body: list[str], title: str, date: str, human_date: str, author: str
) -> tuple[str, list[str]]:
    site = "The Market Ledger"
    ms = [marker() for _ in range(7)]
    half = len(body) // 2
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{esc(title)} - {site}</title>
<meta name="description" content="Markets news and analysis {ms[0]}">
<link rel="canonical" href="https://marketledger.example/markets/stocks/{date}-story">
{SCRIPTS}</head>
<body>
{ticker(ms[1])}
{nav(ms[2], site)}
<div class="container"><div class="col-main">
<div class="article-header"><span class="kicker">Stocks</span>
<h1 class="headline">{esc(title)}</h1>
<p class="meta"><span class="author-name">{esc(author)}</span> | Published {human_date}</p></div>
<div class="quote-box"><span>Company shares</span> <span>142.10 USD</span> <span>+2.4% today {ms[3]}</span></div>
<div class="story">
{ps(body[:half])}
<div class="inline-ad">Advertisement {ms[4]}</div>
{ps(body[half:])}
</div>
{share(ms[5])}
</div>
<div class="col-side">{most_read(ms[6])}</div></div>
</body></html>"""
    return page, ms


def page_blog(
    body: list[str], title: str, date: str, human_date: str, author: str
) -> tuple[str, list[str]]:
    site = "Signal & Noise"
    ms = [marker() for _ in range(6)]
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{esc(title)} — {esc(site)}</title>
<meta property="og:site_name" content="{esc(site)}">
<meta property="og:type" content="article">
{SCRIPTS}</head>
<body class="post-template">
{nav(ms[0], site)}
<div class="wrapper"><article class="post">
<header class="post-header"><h1 class="post-title">{esc(title)}</h1>
<div class="post-meta">Posted on <time datetime="{date}">{human_date}</time> by <span class="author vcard">{esc(author)}</span> in <a href="/tag/analysis">Analysis</a></div>
</header>
<div class="entry-content">
{ps(body)}
</div>
<div class="author-bio"><h4>About the author</h4><p>{esc(author)} writes about markets and
technology. Follow on social media for daily notes. {ms[1]}</p></div>
{share(ms[2])}
<div class="tags">Tags: analysis, markets {ms[3]}</div>
</article>
<section class="comments"><h3>3 comments</h3>
<div class="comment"><p>Great piece, but I think the numbers are off. {ms[4]}</p></div></section>
</div>
{footer(ms[5], site)}
</body></html>"""
    return page, ms


def page_amp(
    body: list[str], title: str, date: str, human_date: str, author: str
) -> tuple[str, list[str]]:
    site = "Daily Courier"
    ms = [marker() for _ in range(5)]
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": f"{date}T10:00:00+01:00",
            "author": {"@type": "Person", "name": author},
            "publisher": {"@type": "Organization", "name": site},
        }
    )
    page = f"""<!doctype html>
<html ⚡ lang="en"><head><meta charset="utf-8">
<title>{esc(title)} | {site}</title>
<link rel="canonical" href="https://dailycourier.example/news/{date}/story.html">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<script type="application/ld+json">{ld}</script>
<style amp-custom>body{{font-family:sans-serif}}</style>
</head>
<body>
<amp-sidebar id="sidebar" layout="nodisplay"><ul><li>Home</li><li>News</li><li>Sport {ms[0]}</li></ul></amp-sidebar>
<header><button on="tap:sidebar.toggle">Menu</button> <span>{site}</span></header>
<amp-consent id="consent" layout="nodisplay"><div class="consent-ui">We use cookies. Accept all {ms[1]}</div></amp-consent>
<article>
<h1>{esc(title)}</h1>
<p class="byline">{esc(author)}</p>
<amp-img src="/img/lead.jpg" width="800" height="450" layout="responsive" alt="Lead image"></amp-img>
<figcaption>Photograph: agency picture desk {ms[2]}</figcaption>
{ps(body)}
<amp-ad width="300" height="250" type="doubleclick" data-slot="/123/amp">Advertisement {ms[3]}</amp-ad>
</article>
{related(ms[4], "More from the Courier")}
</body></html>"""
    return page, ms


def page_live(
    body: list[str], title: str, date: str, human_date: str, author: str
) -> tuple[str, list[str]]:
    site = "Newsroom Live"
    ms = [marker() for _ in range(5)]
    times = ["16:45", "15:30", "14:10", "12:55", "11:20", "10:05", "09:00", "08:15"]
    entries = "\n".join(
        f'<li class="live-entry"><time class="entry-time">{t}</time><p>{esc(p)}</p></li>'
        for t, p in zip(times, body, strict=False)
    )
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{esc(title)} – live updates | {site}</title>
<meta property="og:title" content="{esc(title)}">
<meta property="article:published_time" content="{date}T08:15:00Z">
<meta name="author" content="{esc(author)}">
{SCRIPTS}</head>
<body>{cookie(ms[0])}{nav(ms[1], site)}
<main><h1>{esc(title)}</h1>
<div class="live-badge">LIVE</div>
<p class="standfirst-meta">By {esc(author)}</p>
<ul class="live-feed">
{entries}
</ul>
{newsletter(ms[2])}
</main>
{most_read(ms[3])}
{footer(ms[4], site)}
</body></html>"""
    return page, ms


def page_paywall(
    body: list[str], title: str, date: str, human_date: str, author: str
) -> tuple[str, list[str]]:
    site = "The Financial Record"
    ms = [marker() for _ in range(6)]
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{esc(title)} | {site}</title>
<meta property="og:site_name" content="{site}">
<meta name="article:author" content="{esc(author)}">
{SCRIPTS}</head>
<body>{nav(ms[0], site)}
<div id="article-root">
<h1 data-testid="headline">{esc(title)}</h1>
<div class="dateline">{esc(author)} · Published {human_date}</div>
<div class="body-free">
{ps(body[:2])}
</div>
<div class="paywall-prompt"><h3>Subscribe to continue reading</h3><p>Get unlimited access for
$1 a week. Cancel anytime. {ms[1]}</p><a href="/subscribe">Subscribe now</a></div>
<div class="body-locked" data-paywall="true" style="display:none">
{ps(body[2:], "locked")}
</div>
{share(ms[2])}
</div>
{newsletter(ms[3])}
{related(ms[4], "Read next")}
{footer(ms[5], site)}
</body></html>"""
    return page, ms


def page_divsoup(
    body: list[str], title: str, date: str, human_date: str, author: str
) -> tuple[str, list[str]]:
    """A script-built site: hashed class names, paragraphs in divs, promos inside the body."""
    site = "Metro Business Now"
    ms = [marker() for _ in range(7)]
    divs = [f'<div class="css-1x9k2 e1q3n0">{esc(p)}</div>' for p in body]
    divs.insert(
        2,
        f'<div class="css-8fj2a promo"><a href="/x">Read more: Nortek Robotics '
        f"Inc shares jump 24% after surprise profit {ms[0]}</a></div>",
    )
    divs.insert(
        5,
        f'<div class="css-0aa1b embed"><blockquote class="twitter-tweet">Breaking: '
        f"markets react to the news. Follow us for updates {ms[1]}</blockquote></div>",
    )
    joined = "\n".join(divs)
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{esc(title)} | {site}</title>
<meta property="og:title" content="{esc(title)}">
<meta property="og:site_name" content="{site}">
{SCRIPTS}</head>
<body><div id="__next"><div class="css-hdr">{nav(ms[2], site)}</div>
<div class="css-99zz">{cookie(ms[3])}</div>
<div class="css-main"><div class="css-hl"><h1 class="css-t1">{esc(title)}</h1></div>
<div class="css-by"><span>By {esc(author)}</span><span> · </span><span>{human_date}</span></div>
<div class="css-img"><img src="/lead.jpg" alt=""><span class="css-cap">Traders on the floor.
Photo: Agency {ms[4]}</span></div>
<div class="css-body">
{joined}
</div>
<div class="css-rel">{related(ms[5], "You may also like")}</div>
</div>
<div class="css-ftr">{footer(ms[6], site)}</div>
</div></body></html>"""
    return page, ms


def seed_body(name: str) -> list[str]:
    lines = [ln.strip() for ln in (ROOT / "seeds" / name).read_text(encoding="utf-8").splitlines()]
    return [ln for ln in lines if len(ln.split()) >= 12 and not ln.startswith("Unlock")]


PAGES = [
    # name, layout, body source, headline, ISO date, date as the page shows it, author
    ("wire-oil-crisis", page_wire, ("wiki", "1973_oil_crisis.txt", 6),
     "Oil embargo sends crude prices soaring as exporters cut supply", "2025-08-20",
     "20 August 2025", "Maria Okafor"),
    ("markets-alibaba", page_markets, ("seed", "000_c88aad9c334f0d3b.txt"),
     "Alibaba shares rally after Nvidia signals return of H20 chip sales", "2025-07-15",
     "July 15, 2025", "Dan Whitfield"),
    ("blog-qwq", page_blog, ("seed", "004_6f3f07893199474a.txt"),
     "Chinese AI euphoria continues with another Alibaba stock jump", "2025-03-06",
     "March 6, 2025", "Priya Raman"),
    ("amp-earthquake", page_amp, ("wiki", "2008_Sichuan_earthquake.txt", 6),
     "Deadly earthquake strikes Sichuan province", "2025-05-12", "12 May 2025",
     "Li Wen"),
    ("live-torch-relay", page_live, ("wiki", "2008_Summer_Olympics_torch_relay.txt", 7),
     "Olympic torch relay: protests greet the flame", "2025-04-07", "7 April 2025",
     "Tom Hale"),
    ("paywall-whitehead", page_paywall, ("wiki", "Alfred_North_Whitehead.txt", 6),
     "The philosopher who rewrote the foundations of mathematics", "2025-09-02",
     "September 2, 2025", "Ana Duarte"),
    ("divsoup-carriers", page_divsoup, ("wiki", "Aircraft_carrier.txt", 7),
     "Navies race to build a new generation of aircraft carriers", "2025-10-14",
     "Oct 14, 2025", "Sam Keller"),
]  # fmt: skip


def main() -> None:
    (HERE / "html").mkdir(exist_ok=True)
    (HERE / "expected").mkdir(exist_ok=True)
    for name, layout, src, title, date, human_date, author in PAGES:
        body = seed_body(src[1]) if src[0] == "seed" else paragraphs(WIKI / src[1], src[2])
        page, markers = layout(body, title, date, human_date, author)
        (HERE / "html" / f"{name}.html").write_text(page, encoding="utf-8")
        expected = {
            "title": title,
            "date": date,
            "author": author,
            "body": body,
            "markers": markers,
        }
        (HERE / "expected" / f"{name}.json").write_text(
            json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"wrote {name}.html ({len(body)} paragraphs, {len(markers)} markers)")


if __name__ == "__main__":
    main()
