#!/usr/bin/env python3
"""Writes a large WordPress export (WXR 1.2) for timing `guidepost import wordpress`.

    python3 samples/wordpress/gen_large_export.py --posts 1000 --comments 10000 > /tmp/big.xml

Each post is a classic-editor body (no <p>, blank lines) with an intro, alternatives of
step 1 for the two consoles of the sample site, four more numbered steps with images
(one in a [caption]), and entities. Comments are spread over the posts: threads with
replies, @-addressed answers, thanks-only ones, spam and pingbacks. Deterministic (seed
1). The output is not committed; see BENCHMARKS.md for the figures.
"""

import argparse
import random
import sys
from xml.sax.saxutils import escape

WORDS = (
    "partner subscription tenant license console admin record customer billing "
    "invoice renewal domain mailbox user role permission report setting policy "
    "portal password device sign certificate group alias quota storage trial"
).split()


def sentence(rng, n=12):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def body(rng, i):
    up = "https://blog.example.com/wp-content/uploads/2020/01"
    parts = [
        f"{sentence(rng)} {sentence(rng)} &amp; more&nbsp;&nbsp;text about post {i}.",
        f"1a) In the Small Business admin console, select <b>{rng.choice(WORDS)}</b>:\n"
        f'<a href="{up}/p{i}-sb.png"><img src="{up}/p{i}-sb-300x200.png" alt="Small Business console" /></a>',
        f"1b) In the Enterprise admin console, select <b>{rng.choice(WORDS)}</b>:\n"
        f'<img src="{up}/p{i}-ent.png" alt="Enterprise console" />',
    ]
    for step in range(2, 6):
        parts.append(f"{step}) {sentence(rng, 10)}\n" f'<img src="{up}/p{i}-s{step}.png" alt="Step {step}" />')
    parts.append(
        f'[caption id="attachment_{i}" width="300"]<img src="{up}/p{i}-cap.png" alt="" /> {sentence(rng, 6)}[/caption]'
    )
    parts.append(f"<h2>{rng.choice(WORDS).capitalize()} notes</h2>\n{sentence(rng, 20)}")
    return "\n\n".join(parts)


def comment(cid, parent, author, date, text, approved="1", kind=""):
    return f"""		<wp:comment>
			<wp:comment_id>{cid}</wp:comment_id>
			<wp:comment_author>{cdata(author)}</wp:comment_author>
			<wp:comment_date>{cdata(date)}</wp:comment_date>
			<wp:comment_content>{cdata(text)}</wp:comment_content>
			<wp:comment_approved>{cdata(approved)}</wp:comment_approved>
			<wp:comment_type>{cdata(kind)}</wp:comment_type>
			<wp:comment_parent>{parent}</wp:comment_parent>
		</wp:comment>
"""


def comments_for(rng, i, count, next_id):
    out = []
    roots = []
    for n in range(count):
        cid = next_id + n
        date = f"2020-02-{1 + n % 28:02d} {n % 24:02d}:00:00"
        roll = rng.random()
        if roots and roll < 0.35:
            parent_id, parent_author = rng.choice(roots)
            out.append(comment(cid, parent_id, "admin", date, f"{sentence(rng, 14)} {sentence(rng)}"))
        elif roots and roll < 0.45:
            _, parent_author = rng.choice(roots)
            out.append(comment(cid, 0, "admin", date, f"@{parent_author} – {sentence(rng, 12)}"))
        elif roll < 0.55:
            out.append(comment(cid, 0, f"Fan {cid}", date, "Great post, thanks!"))
        elif roll < 0.62:
            out.append(comment(cid, 0, "Spammer", date, "Cheap licenses here", approved="spam"))
        elif roll < 0.66:
            out.append(comment(cid, 0, "Other blog", date, "[...] linked [...]", kind="pingback"))
        else:
            author = f"Reader {cid}"
            roots.append((cid, author))
            out.append(comment(cid, 0, author, date, f"{sentence(rng, 16)}\n{sentence(rng, 10)} It fails with an error."))
    return "".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=10000)
    args = parser.parse_args()
    rng = random.Random(1)
    out = sys.stdout
    out.write(
        """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Large test blog</title>
	<link>https://blog.example.com</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://blog.example.com</wp:base_site_url>
"""
    )
    per_post = [args.comments // args.posts] * args.posts
    for k in range(args.comments - sum(per_post)):
        per_post[k] += 1
    next_id = 1
    for i in range(args.posts):
        title = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} guide {i}"
        out.write(
            f"""	<item>
		<title>{escape(title)}</title>
		<link>https://blog.example.com/2020/01/post-{i}/</link>
		<dc:creator>{cdata("admin")}</dc:creator>
		<content:encoded>{cdata(body(rng, i))}</content:encoded>
		<excerpt:encoded>{cdata("")}</excerpt:encoded>
		<wp:post_id>{i + 1}</wp:post_id>
		<wp:post_date>{cdata("2020-01-15 10:00:00")}</wp:post_date>
		<wp:post_name>{cdata(f"post-{i}")}</wp:post_name>
		<wp:status>{cdata("publish")}</wp:status>
		<wp:post_type>{cdata("post")}</wp:post_type>
		<category domain="category" nicename="licensing">{cdata("Licensing")}</category>
{comments_for(rng, i, per_post[i], next_id)}	</item>
"""
        )
        next_id += per_post[i]
    out.write("</channel>\n</rss>\n")


if __name__ == "__main__":
    main()
