package match

import "testing"

func TestCleanQuery(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Imports rose 12% last year, the ministry said.", "Imports rose 12% last year, the ministry said."},
		{"The Army is NOT contacting anyone about the draft pic.twitter.com/3S32De8ekP — U.S. Army CGSC (@USACGSC) January 8, 2020",
			"The Army is NOT contacting anyone about the draft"},
		{"The US drone attack on #Soleimani caught on camera.#IranUsapic.twitter.com/TvRkHvlgby — Olaudah Equiano® (@RealOlaudah) January 6, 2020",
			"The US drone attack on Soleimani caught on camera.Iran Usa"},
		{"To reporters like @dmedin11: no one said this. https://t.co/zwLPPXniQh", "To reporters like : no one said this."},
		{"How are butterflies surviving the #AustralianFires?", "How are butterflies surviving the Australian Fires?"},
		{"Did 122 Prisoners Released From Guantanamo Return To The Battlefield?", "Did 122 prisoners released from guantanamo return to the battlefield?"},
		{"NASA Confirms Earth Will Go Dark For Six Days", "NASA confirms earth will go dark for six days"},
		{"The CBC is paid for by Canadian tax $$$ yet they get away with this bias. #DefundTheCBChttps://t.co/CsHG8R9cHp",
			"The CBC is paid for by Canadian tax $$$ yet they get away with this bias. Defund The CBC"},
		{"counter protesters. #Milkshake#NoPrideforProudBoyspic.twitter.com/yomI2759Bp", "counter protesters. Milkshake No Pride for Proud Boys"},
		{"during the Munich#Olympics. ://t.co/azGfDL3au6", "during the Munich Olympics."},
		{"WHO CHANGED THE LONG STANDING WHISTLEBLOWER RULES? ASK THE GOP", "WHO changed THE long standing whistleblower rules? ASK THE GOP"},
	}
	for _, tt := range tests {
		if got := CleanQuery(tt.in); got != tt.want {
			t.Errorf("CleanQuery(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTweetAuthor(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"No Collusion! — Donald J. Trump (@realDonaldTrump) March 24, 2019": "Donald J. Trump",
		"Imports rose 12% last year, the ministry said.":                    "",
	} {
		if got := TweetAuthor(in); got != want {
			t.Errorf("TweetAuthor(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitHashtag(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"#AustralianFires": "Australian Fires", "#PrayforAmazonia": "Pray for Amazonia", "#australianfires": "australian fires",
		"#MAGA2020": "MAGA 2020", "#DefundTheCBC": "Defund The CBC", "#blacklivesmatter": "black lives matter", "#Soleimani": "Soleimani", "#Trump": "Trump",
		"#NoPrideforProudBoys": "No Pride for Proud Boys", "#obamagate": "obama gate", "#Brexit": "Brexit",
	} {
		if got := splitHashtag(in); got != want {
			t.Errorf("splitHashtag(%q) = %q, want %q", in, got, want)
		}
	}
}
