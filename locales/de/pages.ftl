# Seiten rund um die Sendungsverfolgung: Bestellsuche und Abmeldung.

## Bestellung verfolgen (ohne Link)
lookup-title = Bestellung verfolgen
lookup-title-brand = Bestellung verfolgen · { $brand }
lookup-which-shop = In welchem Shop haben Sie bestellt? Geben Sie den Shop-Code aus Ihrer Bestellbestätigung ein.
lookup-shop-code = Shop-Code
lookup-continue = Weiter
lookup-intro = Geben Sie Ihre Bestellnummer und die E-Mail-Adresse oder die Postleitzahl der Lieferadresse der Bestellung ein.
lookup-order-number = Bestellnummer
lookup-email-or-postcode = E-Mail-Adresse oder Postleitzahl der Lieferadresse
lookup-find = Bestellung finden
lookup-need-help = Brauchen Sie Hilfe?
lookup-missing-number = Bitte geben Sie Ihre Bestellnummer ein.
lookup-number-too-long = Diese Bestellnummer ist zu lang. Bitte vergleichen Sie sie mit Ihrer Bestellbestätigung.
lookup-answer-too-long = Diese E-Mail-Adresse oder Postleitzahl ist zu lang.
lookup-missing-answer = Bitte geben Sie die E-Mail-Adresse oder die Postleitzahl der Lieferadresse der Bestellung ein.
lookup-link-sent = Wenn diese Angaben zu einer Bestellung passen, haben wir einen Link zur Sendungsverfolgung an die E-Mail-Adresse der Bestellung geschickt. Er gilt einen Tag.
lookup-not-found = Wir haben keine Bestellung mit diesen Angaben gefunden. Bitte prüfen Sie die Bestellnummer und die E-Mail-Adresse oder Postleitzahl in Ihrer Bestellbestätigung.
lookup-too-many = { $minutes ->
    [one] Zu viele Versuche. Bitte versuchen Sie es in { $minutes } Minute erneut.
   *[other] Zu viele Versuche. Bitte versuchen Sie es in { $minutes } Minuten erneut.
}

## Abmeldung
unsubscribe-button = Abmelden
unsubscribe-unknown-title = Link nicht erkannt
unsubscribe-unknown-text = Dieser Abmeldelink ist ungültig.
unsubscribe-ask-title = Keine Nachrichten mehr zu dieser Bestellung?
unsubscribe-ask-text = Sie erhalten keine E-Mails oder SMS mehr zu dieser Bestellung.
unsubscribe-done-title = Sie sind abgemeldet
unsubscribe-done-text = Sie erhalten keine Nachrichten mehr zur Bestellung { $number }.
unsubscribe-failed-title = Etwas ist schiefgelaufen
unsubscribe-failed-text = Bitte versuchen Sie den Link später noch einmal.
