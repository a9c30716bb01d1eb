package store

import (
	"context"
	"fmt"

	"gorm.io/gorm/clause"

	"github.com/factdesk/factdesk/models"
)

// Article loads an imported article.
func (q queries) Article(ctx context.Context, id int64) (*models.Article, error) {
	var a models.Article
	if err := q.db.WithContext(ctx).First(&a, id).Error; err != nil {
		return nil, fmt.Errorf("store: article %d: %w", id, notFound(err, "article", id))
	}
	return &a, nil
}

// ArticleClaims lists the claims taken from an article, in article order.
func (q queries) ArticleClaims(ctx context.Context, articleID int64) ([]models.Claim, error) {
	var cs []models.Claim
	err := q.db.WithContext(ctx).Where("article_id = ?", articleID).Order("article_start, id").Find(&cs).Error
	if err != nil {
		return nil, fmt.Errorf("store: claims of article %d: %w", articleID, err)
	}
	return cs, nil
}

// LockArticle loads an article and locks its row until tx ends, so claims
// filed from it are checked and inserted one request at a time.
func (tx *Tx) LockArticle(ctx context.Context, id int64) (*models.Article, error) {
	var a models.Article
	if err := tx.db.WithContext(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).First(&a, id).Error; err != nil {
		return nil, fmt.Errorf("store: lock article %d: %w", id, notFound(err, "article", id))
	}
	return &a, nil
}
