// Package auth manages accounts and credentials: users, passwords, API
// tokens and the limits on guessing them.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// tokenPrefix marks factdesk tokens so secret scanners and people can
// recognise a leaked one.
const tokenPrefix = "fd_"

// NewToken returns a fresh bearer token and the hash to store.
func NewToken() (token string, hash []byte) {
	token = tokenPrefix + randomString(32)
	return token, HashToken(token)
}

// HashToken is the stored form of a token. Tokens are 256 random bits, so a
// fast hash is enough: there is nothing to brute-force.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("auth: no randomness: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// RandomPassword makes a password for accounts created without one.
func RandomPassword() string { return randomString(12) }

// bcryptCost is bcrypt's default; tests lower it through SetHashCost.
var bcryptCost = bcrypt.DefaultCost

// SetHashCost changes the bcrypt cost. Tests use bcrypt.MinCost to keep
// thousands of logins fast; production never calls it.
func SetHashCost(cost int) { bcryptCost = cost }

// HashPassword hashes a password with bcrypt.
func HashPassword(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	return string(h), nil
}

// dummyHash is compared against when the account does not exist, so a
// wrong email takes as long as a wrong password and leaks nothing.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a real password"), bcrypt.DefaultCost)

// CheckPassword reports whether password matches hash. An empty hash (an
// account without a password) never matches.
func CheckPassword(hash, password string) bool {
	if hash == "" {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}
