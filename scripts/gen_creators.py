#!/usr/bin/env python3
"""Generate creators.json: 400 synthetic creator records for influence-eval.

The records look like an export from an influencer platform that a DTC skincare
brand used to search for ambassadors: mostly beauty, wellness and lifestyle
creators, with a spread of sizes (about 45% micro, 1k-10k followers) and some
fitness/outdoor creators for rules/outdoor_gear.rules.

About 6% of the records are deliberately damaged (nulls, absent fields, numbers
written as strings, an empty niche list, a record without a handle) so the
tool's missing-data and error handling shows up in every run. The script
lists the damaged records (position, kind, id) on stderr; see DAMAGE below.
About 11% of creators also have no link clicks in the last 30 days, which
is real life rather than damage, but makes a clicks-based ratio missing.

Everything is synthetic: names, handles and e-mail addresses are made up.
Python 3 standard library only; deterministic (fixed seed), so re-running the
script reproduces creators.json byte for byte.

    python3 scripts/gen_creators.py            # writes ./creators.json
    python3 scripts/gen_creators.py -o FILE    # or somewhere else
"""

import argparse
import json
import math
import os
import random
import sys
import unicodedata

SEED = 20261125
COUNT = 400

PLATFORMS = [("instagram", 50), ("tiktok", 30), ("youtube", 20)]

NICHES = [
    ("skincare", 40), ("beauty", 24), ("makeup", 16), ("wellness", 16),
    ("fitness", 7), ("running", 4), ("yoga", 4), ("nutrition", 4),
    ("outdoors", 5), ("hiking", 4), ("travel", 6), ("food", 5),
    ("gaming", 3), ("tech", 3), ("fashion", 7), ("parenting", 4),
    ("home", 3), ("pets", 3),
]

# Niches that tend to go together, so a creator's list reads like a person.
RELATED = {
    "skincare": ["beauty", "makeup", "wellness", "fashion"],
    "beauty": ["skincare", "makeup", "fashion"],
    "makeup": ["beauty", "skincare", "fashion"],
    "wellness": ["yoga", "nutrition", "skincare", "fitness"],
    "fitness": ["nutrition", "running", "wellness", "yoga"],
    "running": ["fitness", "outdoors", "nutrition"],
    "yoga": ["wellness", "fitness", "travel"],
    "nutrition": ["fitness", "food", "wellness"],
    "outdoors": ["hiking", "travel", "running"],
    "hiking": ["outdoors", "travel", "fitness"],
    "travel": ["food", "outdoors", "fashion"],
    "food": ["home", "travel", "nutrition"],
    "gaming": ["tech"],
    "tech": ["gaming", "home"],
    "fashion": ["beauty", "makeup", "travel"],
    "parenting": ["home", "food", "wellness"],
    "home": ["parenting", "food", "pets"],
    "pets": ["home", "outdoors"],
}

BEAUTY = {"skincare", "beauty", "makeup", "wellness"}

# country, weight, language, share of English-language creators there
COUNTRIES = [
    ("US", 40, "en"), ("GB", 12, "en"), ("CA", 9, "en"), ("AU", 7, "en"),
    ("IE", 2, "en"), ("NZ", 1, "en"), ("DE", 4, "de"), ("FR", 3, "fr"),
    ("BR", 3, "pt"), ("IN", 4, "en"), ("MX", 2, "es"), ("ES", 2, "es"),
    ("IT", 2, "it"), ("NL", 2, "nl"), ("SE", 1, "sv"), ("JP", 1, "ja"),
    ("PH", 2, "en"),
]

CITIES = {
    "US": ["Austin", "Brooklyn", "LA", "Denver", "Chicago", "Seattle", "Atlanta", "Miami", "Portland"],
    "GB": ["London", "Manchester", "Leeds", "Bristol", "Glasgow"],
    "CA": ["Toronto", "Vancouver", "Montréal", "Calgary"],
    "AU": ["Sydney", "Melbourne", "Brisbane", "Perth"],
    "IE": ["Dublin", "Cork", "Galway"],
    "NZ": ["Auckland", "Wellington"],
    "DE": ["Berlin", "München", "Hamburg", "Köln"],
    "FR": ["Paris", "Lyon", "Marseille", "Bordeaux"],
    "BR": ["São Paulo", "Rio", "Belo Horizonte", "Curitiba"],
    "IN": ["Mumbai", "Bengaluru", "Delhi", "Pune"],
    "MX": ["CDMX", "Guadalajara", "Monterrey"],
    "ES": ["Madrid", "Barcelona", "Valencia"],
    "IT": ["Milano", "Roma", "Torino"],
    "NL": ["Amsterdam", "Utrecht", "Rotterdam"],
    "SE": ["Stockholm", "Göteborg"],
    "JP": ["Tokyo", "Osaka", "Kyoto"],
    "PH": ["Manila", "Cebu"],
}

# (display name, ascii form for handles)
FIRST = {
    "en": ["Maya", "Chloe", "Jess", "Priya", "Ava", "Lily", "Hannah", "Grace", "Sophie", "Olivia",
           "Emma", "Zoe", "Megan", "Amara", "Nia", "Tessa", "Brooke", "Kayla", "Jordan", "Sam",
           "Alex", "Riley", "Ben", "Marcus", "Liam", "Noah", "Ethan", "Tyler", "Daniel", "Chris",
           "Siobhán", "Aoife", "Niamh", "Renée", "Zoë", "Chloé", "Ananya", "Isha", "Kiri", "Tama"],
    "de": ["Zoë", "Lena", "Anna", "Jana", "Sophie", "Mia", "Lea", "Jonas", "Lukas", "Felix",
           "Björn", "Jürgen", "Käthe", "Jörg"],
    "fr": ["Chloé", "Léa", "Camille", "Manon", "Inès", "Clémence", "Hélène", "Théo", "Mathis", "Noémie"],
    "pt": ["Ana", "Júlia", "Beatriz", "Larissa", "Camila", "João", "Lucas", "Letícia", "Gabriela", "Thaís"],
    "es": ["José", "María", "Lucía", "Sofía", "Valentina", "Ximena", "Andrés", "Camila", "Inés", "Paola"],
    "it": ["Giulia", "Chiara", "Francesca", "Martina", "Luca", "Niccolò", "Sara"],
    "nl": ["Femke", "Sanne", "Lotte", "Daan", "Joëlle", "Anouk"],
    "sv": ["Linnéa", "Ebba", "Elsa", "Åsa", "Oskar"],
    "ja": ["Aiko", "Yui", "Haruka", "Sakura", "Ren", "Mei"],
}
LAST = {
    "en": ["Carter", "Nguyen", "Patel", "Brooks", "Reyes", "Kim", "Walsh", "Okafor", "Hughes", "Bennett",
           "Shah", "Murphy", "O'Brien", "Taylor", "Lee", "Morgan", "Singh", "Rao", "Ngata", "Cruz"],
    "de": ["Müller", "Schäfer", "Weiß", "Becker", "Hoffmann", "Köhler", "Groß", "Wagner"],
    "fr": ["Dubois", "Lefèvre", "Moreau", "Girard", "Fontaine", "Bérard", "Rousseau"],
    "pt": ["Silva", "Araújo", "Conceição", "Gonçalves", "Souza", "Ribeiro", "Simões"],
    "es": ["Álvarez", "García", "Martínez", "Núñez", "Peña", "Rodríguez", "Ibáñez", "Ortiz"],
    "it": ["Rossi", "Bianchi", "Esposito", "Ricci", "Mancini", "Lombardi"],
    "nl": ["de Vries", "Jansen", "van Dijk", "Bakker", "Visser"],
    "sv": ["Lindström", "Sjögren", "Åberg", "Nyström"],
    "ja": ["山田", "佐藤", "鈴木", "高橋", "田中", "伊藤"],
}
JA_ROMAJI = {"山田": "yamada", "佐藤": "sato", "鈴木": "suzuki", "高橋": "takahashi", "田中": "tanaka", "伊藤": "ito"}

HANDLE_WORD = {
    "skincare": ["skin", "glow", "dewy", "spf", "barrier", "serum"],
    "beauty": ["beauty", "glam", "pretty", "blush"],
    "makeup": ["mua", "makeup", "lashes", "brows"],
    "wellness": ["wellness", "calm", "balance", "slowliving"],
    "fitness": ["fit", "lifts", "strong", "gains"],
    "running": ["runs", "miles", "pace", "trailrun"],
    "yoga": ["yoga", "flow", "namaste"],
    "nutrition": ["eats", "macro", "nourish"],
    "outdoors": ["wild", "outside", "camp", "basecamp"],
    "hiking": ["hikes", "trails", "summit", "peaks"],
    "travel": ["travels", "wander", "roams", "passport"],
    "food": ["cooks", "kitchen", "bakes", "eats"],
    "gaming": ["plays", "gg", "pixel", "gamer"],
    "tech": ["tech", "gadgets", "bytes", "setup"],
    "fashion": ["style", "fits", "closet", "ootd"],
    "parenting": ["family", "littles", "parentlife", "schoolrun"],
    "home": ["home", "nest", "cozy", "decor"],
    "pets": ["pup", "paws", "cats", "doggo"],
}

BIO_LINE = {
    "skincare": ["Skincare for sensitive skin", "Esthetician-in-training, honest skincare reviews",
                 "SPF every day, no exceptions", "Acne journey + barrier repair", "Minimalist skincare, maximal results"],
    "beauty": ["Beauty on a budget", "Clean beauty finds", "Drugstore vs high-end, tested on camera"],
    "makeup": ["Everyday makeup in 5 minutes", "Freelance MUA, bridal + editorial", "Makeup for hooded eyes"],
    "wellness": ["Slow mornings, gentle habits", "Wellness without the woo", "Sleep, stress and self-care"],
    "fitness": ["Strength coach, real talk", "Home workouts for busy people", "Lifting, learning, eating well"],
    "running": ["Marathoner chasing a sub-3:30", "Run club captain", "Trail and road miles"],
    "yoga": ["Yoga teacher (RYT-200)", "Morning flows and mobility", "Yin, vinyasa and breathwork"],
    "nutrition": ["Registered dietitian", "High-protein recipes", "Eating for energy, not guilt"],
    "outdoors": ["Camping, van life and campfire coffee", "Outside is free", "Gear tests in real weather"],
    "hiking": ["Day hikes and thru-hike dreams", "Peak bagger", "Trail reports every Friday"],
    "travel": ["Carry-on only traveller", "Slow travel + local food", "Weekend trips on a budget"],
    "food": ["Home cook, weeknight dinners", "Baking my way through it", "Plant-forward recipes"],
    "gaming": ["Cozy games streamer", "Speedruns and chill", "Indie game reviews"],
    "tech": ["Desk setups and gadgets", "Honest tech reviews", "Phones, cameras, apps"],
    "fashion": ["Capsule wardrobe, thrifted finds", "Petite style tips", "Outfit ideas for real budgets"],
    "parenting": ["Mum of two, surviving", "Toddler life, unfiltered", "Dad jokes and school runs"],
    "home": ["Small apartment, big ideas", "Rental-friendly DIY", "Plants and cozy corners"],
    "pets": ["Rescue dog mom", "Two cats, zero chill", "Adventures with my golden"],
}
BIO_TAIL = ["links below", "collabs: see email", "new video every Tue", "she/her", "he/him", "they/them",
            "no gatekeeping", "everything linked", "posting daily-ish", "✨", "🌿", "☕"]
BIO_MID = ["testing so you don't have to", "honest reviews, no fluff", "new posts Mon + Thu",
           "sharing what actually works", "former nurse", "student, 22", "parent of two", "30-something",
           "night-shift worker", "teacher by day", "sensitive skin since forever", "PR-free opinions",
           "small-batch finds", "real life, not a highlight reel"]
SPAM_BIO = [
    "DM for promo 💸 | giveaway every week | follow4follow",
    "Giveaway time! Tag 3 friends 🎁 DM me for collab rates",
    "💰 Paid promos open | DM for collab | shoutouts 24h",
]


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.uniform(0, total)
    for item, w in pairs:
        x -= w
        if x <= 0:
            return item
    return pairs[-1][0]


def ascii_fold(s):
    if s in JA_ROMAJI:
        return JA_ROMAJI[s]
    out = unicodedata.normalize("NFKD", s.replace("ß", "ss")).encode("ascii", "ignore").decode()
    return "".join(c for c in out.lower() if c.isalnum())


def human_count(n, style):
    """Follower counts the way some exports write them."""
    if style == "k":
        return f"{n / 1000:.1f}k"
    if style == "K":
        return f"{n / 1000:.1f}K"
    return f"{n:,}"


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.handles = set()

    def followers(self):
        r = self.rng
        x = r.random()
        if x < 0.14:                      # the micro cluster brands search for
            return int(round(10 ** r.uniform(3.0, 4.0)))
        if x < 0.97:                      # the long tail, log-uniform
            return int(round(10 ** r.uniform(math.log10(250), math.log10(120_000))))
        return int(round(10 ** r.uniform(5.0, 5.6)))   # a few larger accounts

    def engagement(self, followers, platform):
        r = self.rng
        # small accounts engage more; TikTok runs hot, YouTube (likes/subscribers) cooler
        base = 0.068 * (followers / 1000) ** -0.22
        base *= {"instagram": 1.0, "tiktok": 1.35, "youtube": 0.8}[platform]
        er = base * math.exp(r.gauss(0, 0.5))
        return round(min(0.15, max(0.004, er)), 4)

    def niches(self):
        r = self.rng
        first = weighted(r, NICHES)
        out = [first]
        n = weighted(r, [(1, 25), (2, 50), (3, 25)])
        while len(out) < n:
            if r.random() < 0.7:
                cand = r.choice(RELATED[first])
            else:
                cand = weighted(r, NICHES)
            if cand not in out:
                out.append(cand)
        return out

    def handle(self, first_ascii, last_ascii, niches):
        r = self.rng
        word = r.choice(HANDLE_WORD[niches[0]])
        patterns = [
            f"{word}with{first_ascii}", f"{first_ascii}_{word}", f"{first_ascii}{last_ascii}",
            f"{word}by{first_ascii}", f"the{first_ascii}{word}", f"{first_ascii}.{last_ascii}".replace(".", "_"),
            f"{first_ascii}{word}", f"{first_ascii}_{last_ascii[:1]}_{word}", f"{word}_{first_ascii}",
        ]
        h = r.choice(patterns)[:28]
        base = h
        while h in self.handles:
            h = f"{base}{r.randint(2, 99)}"
        self.handles.add(h)
        return h

    def creator(self):
        r = self.rng
        platform = weighted(r, PLATFORMS)
        country, lang = weighted(r, [((c, l), w) for c, w, l in COUNTRIES])
        if country == "CA" and r.random() < 0.2:
            lang = "fr"
        if country == "IN" and r.random() < 0.1:
            lang = "hi"
        name_lang = lang if lang in FIRST else "en"
        first = r.choice(FIRST[name_lang])
        last = r.choice(LAST[name_lang])
        name = f"{first} {last}"
        niches = self.niches()
        handle = self.handle(ascii_fold(first), ascii_fold(last), niches)

        followers = self.followers()
        er = self.engagement(followers, platform)
        if platform == "youtube":
            following = r.randint(0, 180)
            posts = int(10 ** r.uniform(1.3, 2.8))
        else:
            following = int(10 ** r.uniform(2.2, 3.6))
            posts = int(10 ** r.uniform(1.8, 3.4))
        interactions = er * followers
        comment_share = r.uniform(0.02, 0.09) * (1.6 if platform == "youtube" else 1.0)
        avg_comments = int(round(interactions * comment_share))
        avg_likes = int(round(interactions - avg_comments))

        beauty = bool(BEAUTY & set(niches))
        is_customer = r.random() < (0.35 if beauty else 0.12)
        brand_mentions = (r.randint(1, 9) if r.random() < 0.7 else 0) if is_customer else (1 if r.random() < 0.08 else 0)
        spammy = r.random() < 0.045
        ad_share = r.uniform(0.25, 0.6) if spammy else r.betavariate(1.3, 14)
        sponsored_posts = int(posts * ad_share)

        if r.random() < 0.11:                       # no link in bio at all
            clicks = 0
        else:
            clicks = int(followers * 0.012 * (er / 0.04) * math.exp(r.gauss(0, 0.8)))
        conv_rate = min(0.12, math.exp(r.gauss(math.log(0.025), 0.7)))
        conversions = int(round(clicks * conv_rate))
        conversions = min(conversions, clicks)

        posts_last_30d = max(0, int(round(r.gauss(12 if platform != "youtube" else 4, 6))))
        if platform == "youtube":
            posts_last_30d = min(posts_last_30d, 12)

        if spammy:
            auth = r.uniform(0.25, 0.6)
        else:
            auth = r.betavariate(9, 1.6)
        authenticity = round(auth, 2)

        if beauty:
            female = r.uniform(0.68, 0.95)
        elif "gaming" in niches or "tech" in niches:
            female = r.uniform(0.12, 0.4)
        elif "parenting" in niches:
            female = r.uniform(0.6, 0.85)
        else:
            female = r.uniform(0.38, 0.7)
        top_country = country if r.random() < 0.8 else weighted(r, [(c, w) for c, w, _ in COUNTRIES])
        age = r.uniform(0.3, 0.82) if platform != "youtube" else r.uniform(0.25, 0.65)

        city = r.choice(CITIES[country])
        if spammy:
            bio = r.choice(SPAM_BIO)
        else:
            line = r.choice(BIO_LINE[niches[0]])
            extra = ""
            if len(niches) > 1:
                extra = f" · {niches[1]}"
            bio = f"{line}{extra} | {r.choice(BIO_MID)} | 📍{city} | {r.choice(BIO_TAIL)}"

        rec = {
            "handle": handle,
            "name": name,
            "platform": platform,
            "followers": followers,
            "following": following,
            "posts": posts,
            "avg_likes": avg_likes,
            "avg_comments": avg_comments,
            "engagement_rate": er,
            "niches": niches,
            "country": country,
            "language": lang,
            "bio": bio,
            "is_customer": is_customer,
            "brand_mentions": brand_mentions,
            "sponsored_posts": sponsored_posts,
            "link_clicks_30d": clicks,
            "conversions_30d": conversions,
            "posts_last_30d": posts_last_30d,
            "authenticity_score": authenticity,
            "audience": {
                "female_share": round(female, 2),
                "top_country": top_country,
                "age_18_34_share": round(age, 2),
            },
        }
        if r.random() < 0.15:
            del rec["authenticity_score"]
        if r.random() < 0.6:
            style = r.randint(0, 2)
            if style == 0:
                rec["email"] = f"{handle}@gmail.com"
            elif style == 1:
                rec["email"] = f"hello@{handle.replace('_', '')}.com"
            else:
                rec["email"] = f"collabs.{ascii_fold(first)}@outlook.com"
        rec["joined"] = f"{r.randint(2012, 2024)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
        return rec

    def make_promising(self, rec):
        """Turn a record into a creator that brand.rules would accept, so the
        damage applied to it afterwards is what decides its fate."""
        r = self.rng
        f = int(10 ** r.uniform(3.3, 3.95))
        rec["followers"] = f
        rec["engagement_rate"] = round(r.uniform(0.038, 0.075), 4)
        inter = rec["engagement_rate"] * f
        rec["avg_comments"] = int(round(inter * 0.05))
        rec["avg_likes"] = int(round(inter - rec["avg_comments"]))
        if not (BEAUTY & set(rec["niches"])):
            rec["niches"] = ["skincare"] + rec["niches"][:1]
        if rec["country"] not in ("US", "CA", "GB", "IE", "AU", "NZ"):
            rec["country"] = r.choice(["US", "US", "GB", "CA", "AU"])
            rec["language"] = "en"
            rec["audience"]["top_country"] = rec["country"]
        rec["authenticity_score"] = round(r.uniform(0.78, 0.97), 2)
        rec["posts_last_30d"] = max(rec["posts_last_30d"], 6)
        if any(w in rec["bio"].lower() for w in ("giveaway", "promo", "collab")):
            rec["bio"] = "Skincare for sensitive skin | 📍Leeds | honest reviews"
        rec["sponsored_posts"] = min(rec["sponsored_posts"], rec["posts"] // 10)
        return rec


# What goes wrong in real exports, and how brand.rules reacts to it.
# (kind, how many, promising?)  promising=True: the record would be accepted
# without the damage, so the damage alone decides the verdict.
DAMAGE = [
    ("followers_k_string", 2, True),      # "3.3k": wrong type -> status error
    ("followers_comma_string", 2, True),  # "8,421": wrong type -> status error
    ("engagement_percent_string", 2, True),  # "4.2%": wrong type -> status error
    ("niches_as_string", 1, True),        # "skincare, beauty" instead of a list -> error
    ("followers_null", 1, True),          # null -> missing -> micro fails
    ("engagement_absent", 1, True),       # field absent -> missing -> engaged fails
    ("engagement_null", 1, False),
    ("niches_empty", 2, True),            # [] -> overlap 0 -> niche_fit fails
    ("country_null", 2, True),            # null -> market fails (missing)
    ("authenticity_null", 2, True),       # null -> authentic missing -> review
    ("no_handle_id", 2, False),           # no handle, an id instead
    ("clicks_zero", 2, True),             # 0 clicks, 0 conversions -> conversion missing
    ("bio_null", 1, True),                # null bio -> bio checks missing
    ("is_customer_null", 1, True),
    ("audience_null", 1, True),           # whole nested object null
    ("audience_partial", 1, True),        # audience without female_share
    ("posts_last_30d_absent", 1, True),   # -> active fails (missing)
    ("platform_upper", 1, False),         # "Instagram" (case differs)
]


def damage(gen, rec, kind, idx):
    r = gen.rng
    if kind == "followers_k_string":
        rec["followers"] = human_count(rec["followers"], "k")
    elif kind == "followers_comma_string":
        rec["followers"] = human_count(rec["followers"], ",")
    elif kind == "engagement_percent_string":
        rec["engagement_rate"] = f"{rec['engagement_rate'] * 100:.1f}%"
    elif kind == "niches_as_string":
        rec["niches"] = ", ".join(rec["niches"])
    elif kind == "followers_null":
        rec["followers"] = None
    elif kind == "engagement_absent":
        del rec["engagement_rate"]
    elif kind == "engagement_null":
        rec["engagement_rate"] = None
    elif kind == "niches_empty":
        rec["niches"] = []
    elif kind == "country_null":
        rec["country"] = None
    elif kind == "authenticity_null":
        rec["authenticity_score"] = None
    elif kind == "no_handle_id":
        h = rec.pop("handle")
        gen.handles.discard(h)
        out = {"id": f"cr_{100000 + idx * 37:06d}"}
        out.update(rec)
        rec.clear()
        rec.update(out)
    elif kind == "clicks_zero":
        rec["link_clicks_30d"] = 0
        rec["conversions_30d"] = 0
    elif kind == "bio_null":
        rec["bio"] = None
    elif kind == "is_customer_null":
        rec["is_customer"] = None
    elif kind == "audience_null":
        rec["audience"] = None
    elif kind == "audience_partial":
        del rec["audience"]["female_share"]
    elif kind == "posts_last_30d_absent":
        del rec["posts_last_30d"]
    elif kind == "platform_upper":
        rec["platform"] = rec["platform"].capitalize()
    else:
        raise ValueError(kind)
    return rec


def build():
    gen = Gen(SEED)
    records = [gen.creator() for _ in range(COUNT)]

    plan = [(kind, promising) for kind, n, promising in DAMAGE for _ in range(n)]
    drng = random.Random(SEED + 1)
    # spread the damaged records over the file, never two adjacent
    slots = sorted(drng.sample(range(3, COUNT - 3, 2), len(plan)))
    drng.shuffle(plan)
    log = []
    for idx, (kind, promising) in zip(slots, plan):
        rec = records[idx]
        if promising:
            gen.make_promising(rec)
        damage(gen, rec, kind, idx)
        log.append((idx, kind, rec.get("handle") or rec.get("id")))
    return records, log


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("-o", "--output", default=os.path.join(root, "creators.json"))
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args()

    records, log = build()
    text = "[\n" + ",\n".join(json.dumps(o, ensure_ascii=False) for o in records) + "\n]\n"
    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    if not args.quiet:
        print(f"wrote {len(records)} creators to {args.output} ({len(text.encode())} bytes)", file=sys.stderr)
        print(f"{len(log)} deliberately damaged records (index in array, kind, id):", file=sys.stderr)
        for idx, kind, ident in log:
            print(f"  [{idx:3}] {kind:28} {ident}", file=sys.stderr)


if __name__ == "__main__":
    main()
