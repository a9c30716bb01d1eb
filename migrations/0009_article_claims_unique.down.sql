DROP INDEX claims_article_span_key;
