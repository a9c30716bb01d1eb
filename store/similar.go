package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/factdesk/factdesk/match"
	"github.com/factdesk/factdesk/models"
)

// Tuning of the candidate search. Each source is capped so a lookup costs
// about the same whether the table holds a thousand claims or a million;
// bench/similar_scale_test.go measures it at a million claims of real text,
// bench/similar_test.go at a million generated ones.
const (
	// spellThreshold is pg_trgm.similarity_threshold for the % operator
	// that looks a query's unknown name up among the counted lexemes:
	// "polland" is 0.67 from "poland", "obamma" 0.63 from "obama".
	spellThreshold = 0.5
	// spellings is how many counted lexemes stand in for one unknown name.
	spellings = 2
	// perSourceLimit caps the rows each source offers to the re-ranker.
	perSourceLimit = 30
	// keyWords is how many of the query's other words full-text search
	// uses (see SimilarClaims).
	keyWords = 4
	// rankedTerms is how many of the query's lexemes, the rarest first,
	// the ranked source ORs; commonAt is the share of claims above which
	// a lexeme is too common to be worth reading its posting list. On the
	// CLEF-2020 training tweets 15 terms and 30 rows gave the MAP@5 of 20
	// and 50 (0.737 against 0.736) for 13% less PostgreSQL CPU; 12 lost
	// 0.01.
	rankedTerms = 15
	commonAt    = 0.02
	// rareRows is how many rows a lexeme may be held by and still be rare
	// however small the table: under 250 rows commonAt leaves none, and a
	// new desk, or an archive holding one outlet's few checks, would have
	// no ranked source (a headline's claim told in other words went
	// unfound). It binds only below 250 rows.
	rareRows = 5
	// rankedRows caps, in claims, how common a lexeme the ranked source
	// reads: with commonAt alone a million claims would hand it 20,000
	// rows per lexeme.
	rankedRows = 400
	// rankedBudget caps the claims the ranked source's lexemes may hold
	// together (the rows it scores): at a million claims of real text
	// even a rare word is held by hundreds. armRows is the most claims a
	// full-text arm may match, by the lexeme counts, for it to run. On the
	// CLEF-2020 dev tweets over the 10,375 claims, 600/1,000 and
	// 1,500/2,000 both keep the 175 gold claims among the candidates that
	// the sources offered before these caps; over a million claims of real
	// text (BenchmarkSimilarAtScale) 1,500/2,000 offer the same 67 as
	// before, 600/1,000 only 65, for 2.7 ms of PostgreSQL CPU a lookup
	// against 3.4 ms (13.6 ms before the caps).
	rankedBudget = 1500
	armRows      = 2000
	// rankedLimit caps the rows the ranked source offers.
	rankedLimit = 30
	// DefaultSimilarLimit and MaxSimilarLimit bound the results returned.
	DefaultSimilarLimit = 5
	MaxSimilarLimit     = 50
)

// sessionSettings are set on every connection of the store when it opens
// (Open), for the similar-claim lookup, instead of SET LOCAL in a
// transaction around each lookup: BEGIN, the settings and COMMIT were three
// round trips around its one statement. Nothing else in store/ uses
// pg_trgm's % operator, and JIT only changes how fast a statement runs.
var sessionSettings = map[string]string{
	// The threshold of the % operator that looks a query's unknown name
	// up among the counted lexemes (spellThreshold).
	"pg_trgm.similarity_threshold": strconv.FormatFloat(spellThreshold, 'f', -1, 64),
	// JIT compiling would cost more than the statement: at a million
	// claims the planner's estimates pass jit_above_cost, and compiling
	// took 150 ms of a lookup. The store's other statements are as short.
	"jit": "off",
}

// SimilarOptions narrow a similar-claims lookup.
type SimilarOptions struct {
	// Limit is how many matches to return: DefaultSimilarLimit when zero,
	// at most MaxSimilarLimit.
	Limit int
	// Before, when set, keeps only claims with a smaller id: the claims
	// entered before claim Before, which is what "has this been checked
	// already?" means for an existing claim. It also excludes that claim.
	Before int64
}

// SimilarClaim is a stored claim that resembles the query, as judged by the
// match package on normalised text.
type SimilarClaim struct {
	Claim    *models.Claim
	Score    float64
	Relation match.Relation
	// Reasons say why a close claim is not a duplicate ("numbers differ").
	Reasons []string
}

// SimilarClaims finds the stored claims that say the same thing as text, or
// something close to it, best first. Indexes propose candidates, each
// source capped at perSourceLimit:
//
//   - facts (full-text, claims_search_idx): claims holding all of the
//     text's figures and names and one of its key words. This finds
//     rewordings that keep the facts.
//   - wording (full-text): claims holding its names and all of its key
//     words, whatever their figures. This finds the same sentence with a
//     figure changed, which the re-ranker marks conflicting.
//   - ranked (full-text): claims holding any of the query's rarer lexemes,
//     best first by BM25 whose document frequencies come from
//     claim_lexemes (RefreshLexemeStats). This finds a tweet's or a
//     headline's claim told in other words, which the all-terms sources
//     above miss. A name no claim holds (a typo, a variant spelling) adds
//     the counted lexemes spelt nearly the same (pg_trgm on claim_lexemes).
//
// Every source reads a bounded number of rows whatever the table's size:
// the lexeme counts say beforehand how many claims a full-text arm can
// match (it is left out above armRows) and which of the query's lexemes
// are rare enough to generate ranked candidates (up to rankedBudget claims
// between them). BenchmarkSimilarAtScale measures it at a million claims
// of real text. Trigram indexes on the claims themselves, on their whole
// text (0005) or on their figures and names (0047), read posting lists as
// long as the table: hundreds of milliseconds at a million claims.
//
// The query is first cleaned of what wraps a claim in a tweet or a
// headline (match.CleanQuery). match.Rank then orders the candidates and
// decides duplicate, conflicting or related on normalised
// text, so a changed figure, a different name or an added negation is never
// a duplicate. Claims already rejected as duplicates are left out: their
// original is found instead.
func (q queries) SimilarClaims(ctx context.Context, text string, opts SimilarOptions) ([]SimilarClaim, error) {
	clean := match.CleanQuery(strings.TrimSpace(text))
	if clean == "" {
		return []SimilarClaim{}, nil
	}
	limit := opts.Limit
	if limit <= 0 {
		limit = DefaultSimilarLimit
	}
	limit = min(limit, MaxSimilarLimit)
	about := match.TweetContext(text)
	cands, err := q.similarCandidates(ctx, claimsCorpus, clean, about, opts.Before)
	if err != nil || len(cands) == 0 {
		return []SimilarClaim{}, err
	}
	ranked := match.RankAbout(clean, about, cands)
	if len(ranked) > limit {
		ranked = ranked[:limit]
	}
	if len(ranked) == 0 {
		return []SimilarClaim{}, nil
	}

	ids := make([]int64, len(ranked))
	for i, r := range ranked {
		ids[i], _ = strconv.ParseInt(r.ID, 10, 64)
	}
	byID, err := q.similarClaimRows(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]SimilarClaim, 0, len(ranked))
	for i, r := range ranked {
		c := byID[ids[i]]
		if c == nil {
			continue // deleted between the two reads; nothing to show
		}
		out = append(out, SimilarClaim{Claim: c, Score: r.Score, Relation: r.Relation, Reasons: r.Reasons})
	}
	return out, nil
}

// similarClaimSQL loads the matches of a lookup. One array parameter
// rather than IN ($1, $2, …): the statement's text is then the same
// whatever the number of matches, so each connection prepares it once
// (pgx's statement cache).
const similarClaimSQL = `SELECT id, text, claimant, source_url, state, verdict, summary, priority, priority_rank,
	       due_at, language, tags, version, duplicate_of, article_id, article_start, article_end,
	       article_sentence_start, article_sentence_end, last_seq, created_by, created_at, updated_at
	FROM claims WHERE id = ANY($1)`

// similarClaimRows reads the claims of ids, by id, scanned by hand as on
// the claim write path: GORM's Find and Scan (and its expansion of the
// candidate statement's named parameters) were a quarter of a lookup's Go
// CPU at a million claims.
func (q queries) similarClaimRows(ctx context.Context, ids []int64) (map[int64]*models.Claim, error) {
	rows, err := q.db.WithContext(ctx).Statement.ConnPool.QueryContext(ctx, similarClaimSQL, int64Array(ids))
	if err != nil {
		return nil, fmt.Errorf("store: load similar claims: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]*models.Claim, len(ids))
	for rows.Next() {
		c := &models.Claim{Assignees: []models.Assignment{}}
		if err := rows.Scan(&c.ID, &c.Text, &c.Claimant, &c.SourceURL, &c.State, &c.Verdict, &c.Summary, &c.Priority, &c.PriorityRank,
			&c.DueAt, &c.Language, &c.Tags, &c.Version, &c.DuplicateOf, &c.ArticleID, &c.ArticleStart, &c.ArticleEnd,
			&c.ArticleSentenceStart, &c.ArticleSentenceEnd, &c.LastSeq, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt); err != nil {
			return nil, fmt.Errorf("store: load similar claims: %w", err)
		}
		if c.Tags == nil {
			c.Tags = models.Tags{}
		}
		byID[c.ID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: load similar claims: %w", err)
	}
	return byID, nil
}

// similarCandidates runs the candidate sources for an already cleaned
// text (see SimilarClaims); author, a tweet's poster, is added to the
// ranked source's words.
func (q queries) similarCandidates(ctx context.Context, c corpus, text, author string, before int64) ([]match.Candidate, error) {
	candidateSQL, named := candidateQuery(c, text, author, before)
	stmt := positionalFor(candidateSQL)
	args := make([]any, len(stmt.names))
	for i, name := range stmt.names {
		args[i] = named[name]
	}
	// The statement relies on the connection's sessionSettings.
	res, err := q.db.WithContext(ctx).Statement.ConnPool.QueryContext(ctx, stmt.sql, args...)
	if err != nil {
		return nil, fmt.Errorf("store: similar claim candidates: %w", err)
	}
	defer res.Close()
	var rows []candidateRow
	for res.Next() {
		var r candidateRow
		if err := res.Scan(&r.ID, &r.Text, &r.Summary, &r.Rank); err != nil {
			return nil, fmt.Errorf("store: similar claim candidates: %w", err)
		}
		rows = append(rows, r)
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("store: similar claim candidates: %w", err)
	}

	// The union has no useful order; sort by id, oldest first, so that of
	// two claims the re-ranker cannot tell apart (the same text entered
	// twice, quoted differently) the original comes first: it is the one
	// that was checked, and the copy is the one that should have been
	// marked its duplicate. A claim two sources offer comes once, with the
	// ranked source's rank.
	slices.SortFunc(rows, func(a, b candidateRow) int { return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(b.Rank, a.Rank)) })
	cands := make([]match.Candidate, 0, len(rows))
	for i, r := range rows {
		if i > 0 && rows[i-1].ID == r.ID {
			continue
		}
		cands = append(cands, match.Candidate{ID: strconv.FormatInt(r.ID, 10), Text: r.Text, Summary: r.Summary, Rank: r.Rank})
	}
	return cands, nil
}

// candidateQuery is the one statement that runs every candidate source
// for an already cleaned text, and its named arguments.
func candidateQuery(c corpus, text, author string, before int64) (string, map[string]any) {
	t := searchTerms(text)
	// The words other than figures and names are many and common; the
	// longest few stand for them. Long words are the rarer ones, so the
	// index reads shorter posting lists, and they carry the topic.
	key := longest(t.others, keyWords)
	args := map[string]any{"before": before, "n": perSourceLimit, "armRows": armRows,
		"rankedTerms": rankedTerms, "commonAt": commonAt, "rareRows": rareRows, "avgLen": 12.0, "rankedRows": rankedRows, "rankedBudget": rankedBudget, "rankedCap": rankedBudget + rankedRows, "nRanked": rankedLimit, "spellings": spellings, "scoreSlots": scoreSlots,
		"rq": strings.TrimSpace(text + " " + author), "anchors": strings.Join(slices.Concat(t.numbers, t.names), " "),
		"names": strings.Join(t.names, " "), "others": strings.Join(t.others, " "), "key": strings.Join(key, " ")}
	keep := c.keep
	// Counts first. lx holds, for every lexeme of the query and of each
	// part the full-text arms search (names, key words, ...), how many
	// claims hold it: claim_lexemes (RefreshLexemeStats), or until the
	// first count ANALYZE's most common elements; NULL when neither knows
	// the lexeme, which is then rare. A name of the query that no counted
	// claim holds (a typo, a variant spelling) has spellings (spn): the
	// counted lexemes closest to it by trigrams (claim_lexemes_trgm_idx,
	// migration 0044), up to spellings of them. The arms accept them for
	// it and the ranked source adds them to the query's words, so a typo
	// finds the claims with the usual spelling. That search reads the
	// vocabulary, which grows far slower than the table.
	const counts = `tot AS (
		   SELECT greatest(coalesce((SELECT docs FROM {totals}), 0),
		                   (SELECT reltuples FROM pg_class WHERE oid = '{table}'::regclass)::bigint, 1) AS n,
		          coalesce((SELECT nullif(avg_len, 0) FROM {totals}), CAST(@avgLen AS float8)) AS avgdl),
		 mce AS (
		   SELECT u.e, u.f FROM pg_stats ps, unnest(ps.most_common_elems::text::text[], ps.most_common_elem_freqs) AS u(e, f)
		   WHERE NOT EXISTS (SELECT 1 FROM {totals}) AND ps.schemaname = current_schema() AND ps.tablename = '{table}' AND ps.attname = 'search'),
		 lx AS MATERIALIZED (
		   SELECT p.part, w.lex, coalesce(s.ndoc, (m.f * tot.n)::bigint) AS df
		   FROM tot, (VALUES ('rq', CAST(@rq AS text)), ('anchors', @anchors), ('names', @names), ('key', @key), ('others', @others)) AS p(part, t),
		        unnest(tsvector_to_array(to_tsvector('english', p.t))) AS w(lex)
		   LEFT JOIN {lexemes} s ON s.lexeme = w.lex
		   LEFT JOIN mce m ON m.e = w.lex),
		 spn AS MATERIALIZED (
		   SELECT DISTINCT lx.lex AS name, k.lexeme AS lex, k.ndoc AS df
		   FROM lx, LATERAL (SELECT s.lexeme, s.ndoc FROM {lexemes} s WHERE lower(s.lexeme) % lx.lex
		                     ORDER BY lower(s.lexeme) <-> lx.lex, s.lexeme LIMIT @spellings) k
		   WHERE lx.part = 'names' AND lx.df IS NULL AND length(lx.lex) >= 4)`
	// An arm runs only when the counts say it matches at most armRows
	// claims (est: an upper bound, from the rarest lexeme of what it ANDs
	// or the sum of what it ORs), so that it reads short posting lists and
	// ranks few rows whatever the table's size; a broader arm would rank
	// tens of thousands of rows at a million claims (see
	// BenchmarkSimilarAtScale), and the ranked source below covers it.
	df := `coalesce(lx.df, (SELECT sum(spn.df) FROM spn WHERE spn.name = lx.lex), 0)`
	minDF := func(part string) string {
		return `(SELECT min(` + df + `) FROM lx WHERE part = '` + part + `')`
	}
	sumDF := func(part string) string {
		return `(SELECT sum(` + df + `) FROM lx WHERE part = '` + part + `')`
	}
	// every(part) is plainto_tsquery of the part, which ANDs its lexemes,
	// with an unknown name's spellings ORed to it when it has any.
	every := func(part string) string {
		return `(CASE WHEN EXISTS (SELECT 1 FROM spn) THEN
			(SELECT string_agg('(' || quote_literal(lx.lex) || coalesce((SELECT string_agg(' | ' || quote_literal(spn.lex), '') FROM spn WHERE spn.name = lx.lex), '') || ')', ' & ')
			 FROM lx WHERE lx.part = '` + part + `')::tsquery
			ELSE plainto_tsquery('english', @` + part + `) END)`
	}
	fts := func(tsquery, est string) string {
		return `(SELECT m.id, m.text, m.summary, 0::real AS rank FROM (SELECT ` + tsquery + ` AS tq, ` + est + ` AS est) f,
			   LATERAL (SELECT c.id, c.{text} AS text, c.{summary} AS summary, c.search FROM {table} c
			            WHERE numnode(f.tq) > 0 AND coalesce(f.est, 0) <= @armRows AND c.search @@ f.tq AND ` + keep + `
			            LIMIT @armRows) m
			 ORDER BY ts_rank(m.search, f.tq) DESC, m.id DESC LIMIT @n)`
	}
	var arms []string
	switch {
	case len(t.numbers)+len(t.names) == 0:
		// Nothing rare to anchor on: every word must be there. An OR over
		// common words alone would match half the table.
		arms = append(arms, fts(`plainto_tsquery('english', @others)`, minDF("others")))
	case len(key) == 0:
		arms = append(arms, fts(every("anchors"), minDF("anchors")))
	default:
		// Facts: every figure and name, and one of the key words.
		arms = append(arms, fts(every("anchors")+` && replace(plainto_tsquery('english', @key)::text, ' & ', ' | ')::tsquery`,
			`least(`+minDF("anchors")+`, `+sumDF("key")+`)`))
		if len(t.numbers) > 0 {
			// Wording: the names and all the key words, whatever the
			// figures. Two arms cost less than one tsquery ORing both,
			// which defeats the index's skipping over common words.
			arms = append(arms, fts(every("names")+` && plainto_tsquery('english', @key)`,
				`least(`+minDF("names")+`, `+minDF("key")+`)`))
		}
	}
	// Ranked: any of the query's rarer lexemes, best BM25 first (k1 1.2,
	// b 0.75, each lexeme counted once). This finds a tweet's or a
	// headline's claim in other words, where the arms above fail: the
	// query's names and figures are rarely all in the claim. Lexemes above
	// commonAt (or rankedRows claims) generate no candidates, though they
	// still score, and the rarest rankedTerms are ORed while the claims
	// they hold add up to less than rankedBudget, so the index hands few
	// rows to the scoring however big the table is. Counts are an hour old
	// at most, or missing before the first: a LIMIT (and one on each arm
	// above) bounds the rows scored even then. A lexeme not counted
	// yet is taken as held by one claim: once counted, that is a new word.
	// The spellings of unknown names (spn) count as words of the query.
	// Each claim is scored by testing it against each query lexeme's
	// one-word tsquery, a binary search in its tsvector; unpacking the
	// tsvector into an array per lexeme cost five times as much. The tests
	// are one expression (slotSum) over the query's rarest scoreSlots
	// lexemes, laid out once as the columns of s: a subquery summing over
	// qw for each claim spent more on rescanning qw and adding numerics
	// than on the tests, and the 1,900 claims it scored at most were 2.4 ms
	// of the lookup's 4.9 ms of PostgreSQL CPU at a million claims
	// (BenchmarkSimilarAtScale). The lexemes past scoreSlots (rest; a
	// long tweet's, the commonest) are still summed that way.
	ranked := `(WITH qw AS (
			   SELECT w.lex, quote_literal(w.lex)::tsquery AS q, w.df,
			          ln(1 + (tot.n - w.df + 0.5) / (w.df + 0.5)) AS idf
			   FROM tot, (SELECT lx.lex, coalesce(lx.df, 1) AS df FROM lx WHERE lx.part = 'rq'
			              UNION SELECT spn.lex, spn.df FROM spn) w),
			 gen AS (
			   SELECT g.lex FROM (
			     SELECT qw.lex, qw.df, sum(qw.df) OVER (ORDER BY qw.df, qw.lex) - qw.df AS before
			     FROM qw, tot WHERE qw.df <= least(greatest(CAST(@commonAt AS float8) * tot.n, CAST(@rareRows AS float8)), CAST(@rankedRows AS float8))) g
			   WHERE g.before < @rankedBudget
			   ORDER BY g.df, g.lex LIMIT @rankedTerms),
			 f AS (SELECT coalesce(string_agg(quote_literal(lex), ' | '), '')::tsquery AS tq FROM gen),
			 s AS (SELECT ` + slotColumns + `, a.n FROM (SELECT array_agg(q ORDER BY df, lex) AS q, array_agg(idf::float8 ORDER BY df, lex) AS i, count(*) AS n FROM qw) a OFFSET 0),
			 rest AS MATERIALIZED (SELECT q, idf::float8 AS idf FROM qw ORDER BY df, lex OFFSET @scoreSlots)
			 SELECT m.id, m.text, m.summary, (` + slotSum + ` + CASE WHEN s.n > @scoreSlots THEN (SELECT coalesce(sum(rest.idf), 0) FROM rest WHERE m.search @@ rest.q) ELSE 0 END)
			        * 2.2 / (1 + 1.2 * (0.25 + 0.75 * length(m.search) / tot.avgdl)) AS rank FROM f, tot, s,
			   LATERAL (SELECT c.id, c.{text} AS text, c.{summary} AS summary, c.search FROM {table} c
			            WHERE numnode(f.tq) > 0 AND c.search @@ f.tq AND ` + keep + `
			            LIMIT @rankedCap) m
			 ORDER BY rank DESC, m.id DESC LIMIT @nRanked)`
	// The ranked source runs on every lookup: gating it on the other
	// sources finding fewer than five claims lost 0.02 MAP@5 on the
	// CLEF-2020 dev tweets for no CPU measurably saved.
	candidateSQL := `WITH ` + counts + `,
			fts AS MATERIALIZED (` + strings.Join(arms, "\nUNION\n") + `)
			SELECT id, text, summary, rank FROM fts
			UNION ALL
			SELECT * FROM ` + ranked + ` r`
	return strings.NewReplacer("{table}", c.table, "{text}", c.text, "{summary}", c.summary,
		"{lexemes}", c.lexemes, "{totals}", c.totals).Replace(candidateSQL), args
}

// corpus is a table the candidate sources search: its text, its summary
// (more words of the same claim, which the re-ranker reads), the lexeme
// counts of its search vector (RefreshLexemeStats) and which rows may be
// offered (c is the row; @before is the lookup's Before).
type corpus struct {
	table, text, summary string
	lexemes, totals      string
	keep                 string
}

var (
	// claimsCorpus is the desk's own claims; a claim rejected as a
	// duplicate is never offered, its original is.
	claimsCorpus = corpus{table: "claims", text: "text", summary: "summary", lexemes: "claim_lexemes", totals: "claim_lexeme_totals",
		keep: `(@before = 0 OR c.id < @before) AND c.duplicate_of IS NULL`}
	// archiveCorpus is the archive of other outlets' fact-checks, whose
	// headline stands for the summary (migration 0056).
	archiveCorpus = corpus{table: "factcheck_archive", text: "claim", summary: "title", lexemes: "archive_lexemes", totals: "archive_lexeme_totals",
		keep: `true`}
)

// scoreSlots is how many of the query's lexemes, the rarest first, the
// ranked source tests in one expression (see candidateQuery): 23 of the
// 1,980 queries of BenchmarkSimilarAtScale have more, and an empty slot
// costs a null test per claim scored.
const scoreSlots = 32

// slotColumns lay the query's lexemes (a.q, rarest first) and their idf
// (a.i) out as the columns q1, i1, q2, ... of one row, and slotSum adds
// the idf of those a claim's tsvector (m.search) holds.
var slotColumns, slotSum = func() (string, string) {
	cols, sum := make([]string, scoreSlots), make([]string, scoreSlots)
	for i := 1; i <= scoreSlots; i++ {
		cols[i-1] = fmt.Sprintf("a.q[%d] AS q%d, a.i[%d] AS i%d", i, i, i, i)
		sum[i-1] = fmt.Sprintf("CASE WHEN m.search @@ s.q%d THEN s.i%d ELSE 0 END", i, i)
	}
	return strings.Join(cols, ", "), strings.Join(sum, " + ")
}()

// positional is a statement written with named parameters (@name) in
// PostgreSQL's form ($1, $2, ...), and the names in the order of their
// numbers.
type positional struct {
	sql   string
	names []string
}

// positionalStatements holds the positional form of each candidate
// statement, a handful of texts (which arms run), each ~10 kB that GORM
// would otherwise rewrite on every lookup.
var positionalStatements sync.Map

func positionalFor(named string) positional {
	if p, ok := positionalStatements.Load(named); ok {
		return p.(positional)
	}
	p := toPositional(named)
	positionalStatements.Store(named, p)
	return p
}

// toPositional numbers the @name parameters of statement in order, as
// GORM did: each use of a name is a parameter of its own, so PostgreSQL
// infers its type from that use alone (LIMIT @armRows is a bigint,
// est <= @armRows a numeric). "@@", the text-search operator, is not a
// parameter; the statements hold no string literal with an @ in it.
func toPositional(statement string) positional {
	var p positional
	var b strings.Builder
	isName := func(c byte, first bool) bool {
		return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || !first && '0' <= c && c <= '9'
	}
	for i := 0; i < len(statement); i++ {
		c := statement[i]
		if c == '@' && i+1 < len(statement) && statement[i+1] == '@' {
			b.WriteString("@@")
			i++
			continue
		}
		if c != '@' || i+1 >= len(statement) || !isName(statement[i+1], true) {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		for j < len(statement) && isName(statement[j], false) {
			j++
		}
		p.names = append(p.names, statement[i+1:j])
		b.WriteString("$" + strconv.Itoa(len(p.names)))
		i = j - 1
	}
	p.sql = b.String()
	return p
}

// SimilarCandidates returns what the indexes offer the re-ranker for text,
// cleaned as SimilarClaims cleans it, before any re-ranking: for training
// and measuring the re-ranker (bench/retrieval_test.go).
func (q queries) SimilarCandidates(ctx context.Context, text string) ([]match.Candidate, error) {
	return q.similarCandidates(ctx, claimsCorpus, match.CleanQuery(strings.TrimSpace(text)), match.TweetContext(text), 0)
}

// candidateRow is a claim offered by one of the sources, with its summary
// for the re-ranker and its full-text rank when the ranked source offered
// it.
type candidateRow struct {
	ID            int64
	Text, Summary string
	Rank          float64
}

// terms are the words of a query, sorted for full-text search.
type terms struct {
	// numbers are the words holding a digit; names are the capitalised
	// words that do not open a sentence. A duplicate must repeat both, and
	// both are rare in the index, which keeps the search cheap.
	numbers, names []string
	others         []string
}

func searchTerms(text string) terms {
	var t terms
	sentenceStart := true
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`"“”‘’()[]{};:!?`, r)
	}) {
		word := strings.Trim(w, ".,'-—–%$€£₹")
		ends := strings.HasSuffix(w, ".") && !strings.ContainsAny(word, "0123456789")
		switch {
		case word == "":
		case strings.ContainsAny(word, "0123456789"):
			t.numbers = append(t.numbers, word)
		case !sentenceStart && isCapitalised(word):
			t.names = append(t.names, word)
		default:
			t.others = append(t.others, word)
		}
		sentenceStart = ends
	}
	return t
}

func isCapitalised(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// longest returns up to n of words, the longest first, without repeats.
func longest(words []string, n int) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range words {
		if lw := strings.ToLower(w); !seen[lw] {
			seen[lw] = true
			out = append(out, w)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return cmp.Compare(utf8.RuneCountInString(b), utf8.RuneCountInString(a)) })
	return out[:min(n, len(out))]
}

// RefreshLexemeStats recounts, in one transaction, how many claims hold
// each lexeme of claims.search (migration 0037), for the ranked source's
// BM25 weights, and likewise how many archived fact-checks hold each
// lexeme of factcheck_archive.search (0056), so that an import adds
// nothing per row to what the archive's tsvector costs. Claims rejected
// as duplicates are not counted, as they are never offered. It reads both
// tables whole, so a periodic job runs it (see RefreshLexemesJob in jobs);
// readers keep the previous counts until it commits.
func (q queries) RefreshLexemeStats(ctx context.Context) error {
	return q.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := recountLexemes(tx, claimsCorpus.lexemes, claimsCorpus.totals, "claims WHERE duplicate_of IS NULL"); err != nil {
			return err
		}
		return recountLexemes(tx, archiveCorpus.lexemes, archiveCorpus.totals, "factcheck_archive")
	})
}

// recountLexemes fills the lexeme counts lexemes and totals from the
// search vectors of docs (a table and its condition).
func recountLexemes(tx *gorm.DB, lexemes, totals, docs string) error {
	for _, stmt := range []string{
		// One recount at a time (two processes' jobs, or a job and a
		// benchmark): both would delete and then insert the same lexemes.
		// Lookups still read the previous counts meanwhile.
		`LOCK TABLE ` + lexemes + ` IN EXCLUSIVE MODE`,
		`DELETE FROM ` + lexemes,
		`INSERT INTO ` + lexemes + ` (lexeme, ndoc) SELECT word, ndoc FROM ts_stat('SELECT search FROM ` + docs + `')`,
		`INSERT INTO ` + totals + ` (docs, avg_len, counted_at)
		 SELECT count(*), coalesce(avg(length(search)), 0), now() FROM ` + docs + `
		 ON CONFLICT (one) DO UPDATE SET docs = EXCLUDED.docs, avg_len = EXCLUDED.avg_len, counted_at = EXCLUDED.counted_at`,
		// The insert left the new rows' trigrams in the spelling index's
		// pending list (GIN's fast update), which every spelling search
		// then reads in full until a vacuum: at a million claims 350
		// pages, 1.5 to 10 ms a name. Merge them into the index now,
		// before readers see the counts.
		`SELECT gin_clean_pending_list('` + lexemes + `_trgm_idx'::regclass)`,
		// Fresh statistics, so the planner looks spellings up through the
		// trigram index (a sequential scan computes the similarity of
		// every lexeme) right after the first count.
		`ANALYZE ` + lexemes,
	} {
		if err := tx.Exec(stmt).Error; err != nil {
			return fmt.Errorf("store: refresh lexeme statistics: %w", err)
		}
	}
	return nil
}
