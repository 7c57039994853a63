package sms

// catalogue holds the built-in message of each language, by BCP 47 tag.
// Each fits one SMS segment with a 10-digit code, a 20-character app name
// and a two-digit lifetime (TestCatalogueFitsOneSegment): under 160
// characters where the language fits the GSM alphabet, under 70 where it
// needs UCS-2, so some are terse ("min."). Where a wording in the GSM
// alphabet reads as well, it is used (es "clave", pt "senha", pl without
// "Twój"): it costs a third of the characters' room, and leaves space for the
// autofill lines.
var catalogue = map[string]string{
	"en":      "{app}: Your sign-in code is {code}. It expires in {minutes} minutes.",
	"ar":      "{app}: رمز الدخول {code}. صالح لمدة {minutes} دقيقة.",
	"cs":      "{app}: Váš kód je {code}. Platí {minutes} min.",
	"da":      "{app}: Din loginkode er {code}. Den udløber om {minutes} minutter.",
	"de":      "{app}: Ihr Anmeldecode lautet {code}. Er läuft in {minutes} Minuten ab.",
	"el":      "{app}: Ο κωδικός σας: {code}. Λήγει σε {minutes} λεπτά.",
	"es":      "{app}: Tu clave de acceso es {code}. Caduca en {minutes} minutos.",
	"fi":      "{app}: Kirjautumiskoodisi on {code}. Se vanhenee {minutes} minuutissa.",
	"fr":      "{app}: Votre code de connexion est {code}. Il expire dans {minutes} minutes.",
	"he":      "{app}: קוד הכניסה שלך {code}. בתוקף {minutes} דקות.",
	"hi":      "{app}: आपका कोड {code} है। {minutes} मिनट मान्य।",
	"hu":      "{app}: Kódod: {code}. {minutes} percig érvényes.",
	"id":      "{app}: Kode masuk Anda {code}. Berlaku {minutes} menit.",
	"it":      "{app}: Il tuo codice di accesso è {code}. Scade tra {minutes} minuti.",
	"ja":      "{app}: 認証コードは{code}です。{minutes}分間有効です。",
	"ko":      "{app}: 인증 코드는 {code}입니다. {minutes}분간 유효합니다.",
	"ms":      "{app}: Kod log masuk anda ialah {code}. Sah selama {minutes} minit.",
	"nb":      "{app}: Innloggingskoden din er {code}. Den utløper om {minutes} minutter.",
	"nl":      "{app}: Je inlogcode is {code}. De code verloopt over {minutes} minuten.",
	"pl":      "{app}: Kod logowania: {code}. Wygasa za {minutes} min.",
	"pt":      "{app}: A sua senha de acesso é {code}. Expira em {minutes} minutos.",
	"pt-BR":   "{app}: Sua senha de acesso é {code}. Vale por {minutes} minutos.",
	"ro":      "{app}: Codul tău este {code}. Expiră în {minutes} min.",
	"ru":      "{app}: Ваш код входа: {code}. Действует {minutes} мин.",
	"sv":      "{app}: Din inloggningskod är {code}. Den gäller i {minutes} minuter.",
	"th":      "{app}: รหัสของคุณคือ {code} ใช้ได้ {minutes} นาที",
	"tr":      "{app}: Giriş kodunuz {code}. {minutes} dakika geçerlidir.",
	"uk":      "{app}: Ваш код входу: {code}. Дійсний {minutes} хв.",
	"vi":      "{app}: Mã của bạn là {code}, hiệu lực {minutes} phút.",
	"zh-Hans": "{app}: 您的登录验证码是{code}，{minutes}分钟内有效。",
	"zh-Hant": "{app}: 您的登入驗證碼是{code}，{minutes}分鐘內有效。",
}
