package wordvec

import (
	"slices"
	"testing"
)

func TestTableHoldsCommonWordsInOrder(t *testing.T) {
	t.Parallel()
	if Len() != 60000 {
		t.Fatalf("Len = %d, want 60000", Len())
	}
	for i := 1; i < Len(); i++ {
		if word(i-1) >= word(i) {
			t.Fatalf("words %d and %d out of order: %q, %q", i-1, i, word(i-1), word(i))
		}
	}
	if r, ok := Rank("the"); !ok || r != 0 {
		t.Fatalf(`Rank("the") = %d, %v; want 0, true`, r, ok)
	}
	if _, ok := Lookup("xqzvvbnonword"); ok {
		t.Fatal("a made-up word was found")
	}
}

func TestRelatedWordsAreCloser(t *testing.T) {
	t.Parallel()
	for _, c := range [][3]string{
		{"unemployment", "jobless", "banana"},
		{"vaccine", "vaccination", "football"},
		{"president", "minister", "carpet"},
	} {
		a, _ := Lookup(c[0])
		b, _ := Lookup(c[1])
		z, _ := Lookup(c[2])
		if near, far := Cosine(a, b), Cosine(a, z); near <= far+0.2 {
			t.Errorf("cos(%s,%s)=%.2f is not clearly above cos(%s,%s)=%.2f", c[0], c[1], near, c[0], c[2], far)
		}
	}
}

func TestTextsSayingTheSameAreCloser(t *testing.T) {
	t.Parallel()
	a, n := Text("Unemployment fell to 4 percent last year.")
	if n != 6 {
		t.Fatalf("found %d words, want 6", n)
	}
	b, _ := Text("The jobless rate dropped in 2019.")
	c, _ := Text("The band played a concert on the beach.")
	if Cosine(a, b) <= Cosine(a, c) {
		t.Fatalf("rewording %.2f not above unrelated %.2f", Cosine(a, b), Cosine(a, c))
	}
	if z, n := Text("¿¡ --"); n != 0 || Cosine(z, a) != 0 {
		t.Fatalf("a text without words has found=%d, cosine %.2f", n, Cosine(z, a))
	}
}

func TestWords(t *testing.T) {
	t.Parallel()
	got := Words("Don’t say “COVID-19” isn't real, Señor.")
	want := []string{"don't", "say", "covid", "19", "isn't", "real", "señor"}
	if !slices.Equal(got, want) {
		t.Fatalf("Words = %q, want %q", got, want)
	}
}

func BenchmarkText(b *testing.B) {
	for b.Loop() {
		Text("The unemployment rate fell to its lowest level in fifty years under this administration.")
	}
}

func TestPoolMeanIsMeanAndMaxBoundsEveryWord(t *testing.T) {
	t.Parallel()
	words := Words("Unemployment fell to 4 percent last year, xqzvvbnonword.")
	mean, maximum, found := Pool(words)
	want, wantFound := Mean(words)
	if found != wantFound || mean != want {
		t.Fatalf("Pool mean/found = %v/%d, want Mean's %v/%d", mean[:3], found, want[:3], wantFound)
	}
	hit := make([]bool, Dim)
	for _, w := range words {
		v, ok := Lookup(w)
		if !ok {
			continue
		}
		for d := range Dim {
			if v[d] > maximum[d] {
				t.Fatalf("dimension %d: %q has %.3f above the max %.3f", d, w, v[d], maximum[d])
			}
			hit[d] = hit[d] || v[d] == maximum[d]
		}
	}
	for d, ok := range hit {
		if !ok {
			t.Fatalf("dimension %d: max %.3f is no word's value", d, maximum[d])
		}
	}
	if _, m, n := Pool(nil); n != 0 || m != (Vector{}) {
		t.Fatalf("Pool(nil) = %v, %d; want zero", m[:3], n)
	}
}
