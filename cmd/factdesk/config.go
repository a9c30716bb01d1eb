package main

import (
	"fmt"
	"github.com/factdesk/factdesk/app"
	"net"
	"os"
)

// loadConfig reads the desk's configuration from the environment, with
// defaults that work on a developer machine.
func loadConfig() (app.Config, error) {
	c := app.Config{
		DatabaseURL:   envOr("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factdesk?sslmode=disable"),
		Addr:          envOr("FACTDESK_ADDR", "127.0.0.1:8080"),
		AdminEmail:    os.Getenv("FACTDESK_ADMIN_EMAIL"),
		AdminPassword: os.Getenv("FACTDESK_ADMIN_PASSWORD"),
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return c, fmt.Errorf("FACTDESK_ADDR=%q is not host:port: set it like 127.0.0.1:8080", c.Addr)
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		return c, fmt.Errorf("set both FACTDESK_ADMIN_EMAIL and FACTDESK_ADMIN_PASSWORD, or neither")
	}
	return c, nil
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
