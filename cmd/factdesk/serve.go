package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/factdesk/factdesk/app"
	"github.com/factdesk/factdesk/demo"
	"github.com/factdesk/factdesk/migrations"
	"github.com/factdesk/factdesk/store"
)

// openStore creates the database if needed, connects, and optionally
// applies pending migrations; for the admin subcommands.
func openStore(ctx context.Context, cfg app.Config, migrate bool) (*store.Store, error) {
	if _, err := store.EnsureDatabase(ctx, cfg.DatabaseURL); err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{})
	if err != nil {
		return nil, err
	}
	if migrate {
		if _, err := migrations.Up(ctx, st.SQL()); err != nil {
			st.Close()
			return nil, fmt.Errorf("cannot migrate the database: %w", err)
		}
	}
	return st, nil
}

func serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	withDemo := fs.Bool("demo", false, "load a demo desk with users of every role and sample claims")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	st := a.Store

	if cfg.AdminEmail != "" {
		created, err := a.Auth.Bootstrap(ctx, cfg.AdminEmail, cfg.AdminPassword)
		if err != nil {
			return fmt.Errorf("cannot create the first admin from FACTDESK_ADMIN_EMAIL: %w", err)
		}
		if created {
			log.Info("created the first admin", "email", cfg.AdminEmail)
		}
	}
	if *withDemo {
		logins, err := demo.Load(ctx, a.Engine, a.Auth, st)
		if err != nil {
			return fmt.Errorf("cannot load the demo desk: %w", err)
		}
		printLogins(logins)
	}
	if n, err := st.CountUsers(ctx); err == nil && n == 0 {
		fmt.Fprintln(os.Stderr, "factdesk: the desk has no users yet; set FACTDESK_ADMIN_EMAIL and FACTDESK_ADMIN_PASSWORD, or run factdesk users add")
	}

	if err := a.Start(ctx); err != nil {
		return err
	}
	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	// Open dashboards hold event streams for minutes; Shutdown would wait
	// for them until its deadline and leave the workers no time to finish.
	// End them as soon as shutdown begins.
	srv.RegisterOnShutdown(a.Live.Close)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v: free the port or set FACTDESK_ADDR", cfg.Addr, err)
	}
	fmt.Fprintf(os.Stderr, "factdesk: serving on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
	}
	log.Info("shutting down")
	began := time.Now()
	// One budget for both steps: requests in flight finish first, then the
	// workers finish their jobs (or River hands them back to the queue).
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	if err != nil {
		err = fmt.Errorf("cannot finish the requests in flight: %w", err)
	}
	err = errors.Join(err, a.Stop(shutdownCtx))
	log.Info("stopped", "after", time.Since(began).Round(time.Millisecond).String())
	return err
}

func printLogins(logins []demo.Login) {
	fmt.Fprintln(os.Stderr, "factdesk: demo desk loaded. Sign in with:")
	for _, l := range logins {
		fmt.Fprintf(os.Stderr, "  %-8s %-32s password: %s\n", l.Role, l.Email, l.Password)
	}
}
