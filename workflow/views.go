package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/store"
)

// Limits of saved views: a name fits a menu, and a person with more views
// than this wants fewer.
const (
	maxViewName  = 60
	maxViewQuery = 1000
	MaxViews     = 50
)

// ViewInput is a saved view as a person writes it; nil fields are left as
// they are (on create, Name, Page and Query are required). Query must be
// the canonical filter of Page: the HTTP layer reads it with the page's
// own filter parser before it gets here, so a view never holds a filter
// the page would refuse.
type ViewInput struct {
	Name   *string          `json:"name"`
	Page   *models.ViewPage `json:"page"`
	Query  *string          `json:"query"`
	Shared *bool            `json:"shared"`
	// Filter checks Query against Page's filter parser and returns it
	// canonical; the HTTP layer, which owns the parsers, sets it. It runs
	// inside the change's transaction, on the page the view will have.
	Filter func(models.ViewPage, string) (string, error) `json:"-"`
}

// Views lists the views actor sees: their own, then those shared with the
// desk.
func (e *Engine) Views(ctx context.Context, actor *models.User) ([]models.SavedView, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	return e.store.SavedViews(ctx, actor.ID)
}

// View loads one view actor may see: another person's unshared view is
// not found, as if it did not exist.
func (e *Engine) View(ctx context.Context, actor *models.User, id int64) (*models.SavedView, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	v, err := e.store.SavedView(ctx, id)
	if err != nil {
		return nil, err
	}
	if v.OwnerID != actor.ID && !v.Shared {
		return nil, models.Errorf(models.ENotFound, "view %d not found", id)
	}
	return v, nil
}

// SaveView stores a new view owned by actor.
func (e *Engine) SaveView(ctx context.Context, actor *models.User, in ViewInput) (*models.SavedView, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	v := &models.SavedView{OwnerID: actor.ID}
	var fields []models.FieldError
	if in.Name == nil {
		fields = append(fields, models.FieldError{Field: "name", Message: "name the view"})
	}
	if in.Page == nil {
		fields = append(fields, models.FieldError{Field: "page", Message: models.MustBeOneOf(models.ViewPages)})
	}
	if in.Query == nil {
		in.Query = new(string)
	}
	fields = append(fields, applyView(v, in)...)
	if len(fields) > 0 {
		return nil, models.Invalid("the view is not valid", fields...)
	}
	err := e.store.WithTx(ctx, func(tx *store.Tx) error {
		// The owner's row lock serialises their saves, so the cap holds
		// under concurrent requests.
		if _, err := tx.LockUser(ctx, actor.ID); err != nil {
			return err
		}
		n, err := tx.CountSavedViews(ctx, actor.ID)
		if err != nil {
			return err
		}
		if n >= MaxViews {
			return models.Errorf(models.EConflict, "you have %d saved views, the most one person may keep; delete one first", n)
		}
		v.CreatedAt = e.now()
		v.UpdatedAt = v.CreatedAt
		return tx.CreateSavedView(ctx, v)
	})
	if err != nil {
		return nil, err
	}
	v.OwnerName = actor.Name
	return v, nil
}

// UpdateView renames a view, changes its filter or its sharing.
func (e *Engine) UpdateView(ctx context.Context, actor *models.User, id int64, in ViewInput) (*models.SavedView, error) {
	var out *models.SavedView
	err := e.changeView(ctx, actor, id, func(tx *store.Tx, v *models.SavedView) error {
		if fields := applyView(v, in); len(fields) > 0 {
			return models.Invalid("the view is not valid", fields...)
		}
		v.UpdatedAt = e.now()
		if err := tx.UpdateSavedView(ctx, v); err != nil {
			return err
		}
		out = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	return e.store.SavedView(ctx, out.ID)
}

// DeleteView removes a view.
func (e *Engine) DeleteView(ctx context.Context, actor *models.User, id int64) error {
	return e.changeView(ctx, actor, id, func(tx *store.Tx, v *models.SavedView) error {
		return tx.DeleteSavedView(ctx, v.ID)
	})
}

// changeView locks a view and runs fn when actor may change it: its owner
// always; an admin when it is shared. Another person's unshared view is
// not found.
func (e *Engine) changeView(ctx context.Context, actor *models.User, id int64, fn func(*store.Tx, *models.SavedView) error) error {
	if err := signedIn(actor); err != nil {
		return err
	}
	return e.store.WithTx(ctx, func(tx *store.Tx) error {
		v, err := tx.LockSavedView(ctx, id)
		if err != nil {
			return err
		}
		if err := CanChangeView(actor, v); err != nil {
			return err
		}
		return fn(tx, v)
	})
}

// CanChangeView says whether actor may rename, change or delete v, for
// the engine and the buttons alike.
func CanChangeView(actor *models.User, v *models.SavedView) error {
	if err := signedIn(actor); err != nil {
		return err
	}
	switch {
	case v.OwnerID == actor.ID:
		return nil
	case !v.Shared:
		return models.Errorf(models.ENotFound, "view %d not found", v.ID)
	case Can(actor, nil, ManageViews):
		return nil
	}
	return models.Errorf(models.EForbidden, "only the person who shared this view or an admin may change it")
}

// applyView copies the set fields of in onto v and says what is wrong
// with them.
func applyView(v *models.SavedView, in ViewInput) []models.FieldError {
	var fields []models.FieldError
	if in.Name != nil {
		v.Name = strings.Join(strings.Fields(*in.Name), " ")
		switch {
		case v.Name == "":
			fields = append(fields, models.FieldError{Field: "name", Message: "name the view"})
		case utf8.RuneCountInString(v.Name) > maxViewName:
			fields = append(fields, models.FieldError{Field: "name", Message: fmt.Sprintf("at most %d characters", maxViewName)})
		case strings.IndexFunc(v.Name, unicode.IsControl) >= 0:
			fields = append(fields, models.FieldError{Field: "name", Message: "control characters are not allowed"})
		}
	}
	if in.Page != nil {
		v.Page = *in.Page
		if !v.Page.Valid() {
			fields = append(fields, models.FieldError{Field: "page", Message: models.MustBeOneOf(models.ViewPages)})
		}
	}
	if in.Query != nil {
		v.Query = *in.Query
		if len(v.Query) > maxViewQuery {
			fields = append(fields, models.FieldError{Field: "query", Message: fmt.Sprintf("at most %d characters", maxViewQuery)})
		}
	}
	if in.Shared != nil {
		v.Shared = *in.Shared
	}
	if len(fields) == 0 && (in.Query != nil || in.Page != nil) {
		if in.Filter == nil {
			return []models.FieldError{{Field: "query", Message: "the filter could not be checked"}}
		}
		q, err := in.Filter(v.Page, v.Query)
		if err != nil {
			var e *models.Error
			if errors.As(err, &e) && len(e.Fields) > 0 {
				return e.Fields
			}
			return []models.FieldError{{Field: "query", Message: err.Error()}}
		}
		v.Query = q
	}
	return fields
}

func signedIn(actor *models.User) error {
	if actor == nil {
		return models.Errorf(models.EUnauthorized, "sign in first")
	}
	if !actor.Active {
		return models.Errorf(models.EForbidden, "your account is deactivated")
	}
	return nil
}
