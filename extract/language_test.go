package extract

import "testing"

func TestLanguage(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"Unemployment fell to 3.5 percent in March, the statistics office said.", "en"},
		{"Macron met de la Fuente in Paris on Tuesday.", "en"}, // borrowed "de la" stays English
		{"El desempleo bajó al 3,5 por ciento en marzo, según la oficina de estadística.", "es"},
		{"Le chômage est tombé à 3,5 % en mars, selon l'office des statistiques.", "fr"},
		{"Die Arbeitslosigkeit ist im März auf 3,5 Prozent gesunken, sagte das Amt.", "de"},
		{"O desemprego caiu para 3,5 por cento em março, disse o instituto.", "pt"},
		{"La disoccupazione è scesa al 3,5 per cento a marzo, secondo l'istituto di statistica.", "it"},
		{"De werkloosheid is in maart gedaald naar 3,5 procent, zegt het bureau.", "nl"},
		{"Pengangguran turun menjadi 3,5 persen pada bulan Maret, kata badan statistik.", "id"},
		{"Безработица снизилась до 3,5 процента в марте.", "ru"},
		{"Безробіття знизилося до 3,5 відсотка у березні.", "uk"},
		{"Η ανεργία μειώθηκε στο 3,5% τον Μάρτιο.", "el"},
		{"انخفضت البطالة إلى 3.5 في المئة في مارس.", "ar"},
		{"بیکاری در ماه مارس به ۳.۵ درصد کاهش یافت.", "fa"},
		{"مارچ میں بے روزگاری کم ہو کر 3.5 فیصد رہ گئی۔", "ur"},
		{"האבטלה ירדה ל-3.5 אחוזים במרץ.", "he"},
		{"मार्च में बेरोजगारी घटकर 3.5 प्रतिशत रह गई।", "hi"},
		{"মার্চে বেকারত্ব কমে ৩.৫ শতাংশে দাঁড়িয়েছে।", "bn"},
		{"3月の失業率は3.5%に低下した。", "ja"},
		{"三月份失业率降至3.5%。", "zh"},
		{"3월 실업률은 3.5%로 떨어졌다.", "ko"},
		{"อัตราการว่างงานลดลงเหลือ 3.5%", "th"},
		{"2024: 3.5%", ""},
	} {
		if got := Language(c.in); got != c.want {
			t.Errorf("Language(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
