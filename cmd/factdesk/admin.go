package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/auth"
	"github.com/factdesk/factdesk/migrations"
	"github.com/factdesk/factdesk/models"
	"github.com/factdesk/factdesk/workflow"
)

func migrate(ctx context.Context, args []string) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	return runMigrate(ctx, cfg, args, os.Stdout)
}

// runMigrate is `factdesk migrate`: up applies every pending migration,
// down reverts the newest one, status lists them all.
func runMigrate(ctx context.Context, cfg app.Config, args []string, out io.Writer) error {
	sub := "up"
	if len(args) > 0 {
		sub = args[0]
	}
	if sub != "up" && sub != "down" && sub != "status" {
		return fmt.Errorf("unknown migrate command %q: use up, down or status", sub)
	}
	st, err := openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "up":
		res, err := migrations.Up(ctx, st.SQL())
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "applied %d migration(s); schema version %d\n", res.Applied, res.Version)
	case "down":
		n, err := migrations.Down(ctx, st.SQL(), 1)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "reverted %d migration(s)\n", n)
	case "status":
		list, err := migrations.List(ctx, st.SQL())
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "VERSION\tNAME\tAPPLIED")
		for _, m := range list {
			applied := "pending"
			if m.AppliedAt != nil {
				applied = m.AppliedAt.Format("2006-01-02 15:04:05 MST")
			}
			fmt.Fprintf(w, "%04d\t%s\t%s\n", m.Version, m.Name, applied)
		}
		return w.Flush()
	}
	return nil
}

func users(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "password" {
		return usersPassword(ctx, args[1:])
	}
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("usage: factdesk users add --email E --name N --role R [--password P] | users password --email E [--password P]")
	}
	fs := flag.NewFlagSet("users add", flag.ContinueOnError)
	email := fs.String("email", "", "the user's email, used to sign in")
	name := fs.String("name", "", "the user's display name")
	role := fs.String("role", "", "admin, editor, checker or viewer")
	password := fs.String("password", "", "the password; a random one is generated and printed when omitted")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	generated := *password == ""
	if generated {
		*password = auth.RandomPassword()
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := auth.NewService(st).CreateUser(ctx, nil, auth.NewUser{Email: *email, Name: *name, Role: models.Role(*role), Password: *password})
	if err != nil {
		return err
	}
	fmt.Printf("created %s %s (id %d)\n", u.Role, u.Email, u.ID)
	if generated {
		fmt.Printf("password: %s\n", *password)
	}
	return nil
}

// usersPassword is `factdesk users password`: it sets a person's
// password, for example after an import without password hashes.
func usersPassword(ctx context.Context, args []string) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	return runUsersPassword(ctx, cfg, args, os.Stdout)
}

func runUsersPassword(ctx context.Context, cfg app.Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("users password", flag.ContinueOnError)
	email := fs.String("email", "", "the user's email")
	password := fs.String("password", "", "the new password; a random one is generated and printed when omitted")
	if err := fs.Parse(args); err != nil {
		return err
	}
	generated := *password == ""
	if generated {
		*password = auth.RandomPassword()
	}
	st, err := openStore(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := auth.NewService(st).SetPassword(ctx, *email, *password)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "set the password of %s (id %d)\n", u.Email, u.ID)
	if generated {
		fmt.Fprintf(out, "password: %s\n", *password)
	}
	return nil
}

func printWorkflow(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("workflow", flag.ContinueOnError)
	mermaid := fs.Bool("mermaid", false, "print the table as a Mermaid state diagram")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *mermaid {
		fmt.Print(workflow.Mermaid())
		return nil
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ACTION\tFROM\tTO\tWHO\tREQUIRES")
	for _, t := range workflow.Table {
		reqs := "—"
		for i, r := range t.Requires {
			if i == 0 {
				reqs = r.Name
			} else {
				reqs += "; " + r.Name
			}
		}
		fmt.Fprintf(w, "%s\t%v\t%s\t%s\t%s\n", t.Action, t.From, t.To, t.Who, reqs)
	}
	return w.Flush()
}
