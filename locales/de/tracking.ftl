# Die Seite zur Sendungsverfolgung, die der Käufer über einen Link öffnet.

page-title = Bestellung { $number } · { $brand }
order-number = Bestellung { $number }
order-po = PO { $po }
language-label = Sprache
language-change = Ändern

## Die Überschrift
partly-delivered-more-to-follow = Teilweise zugestellt, weitere Artikel folgen
shipments-delivered = { $shipments ->
    [one] { $delivered } von { $shipments } Sendung zugestellt
   *[other] { $delivered } von { $shipments } Sendungen zugestellt
}
more-items-to-follow = { $stage }, weitere Artikel folgen
stage-with-shipments = { $stage } ({ $shipments } Sendungen)
on-shipment = { $shipment } · { $text }
received-by = Angenommen von { $name }
arriving-today = Kommt heute
pickup-at = In { $place }
no-new-date-yet = Wir haben noch kein neues Lieferdatum; es erscheint hier, sobald der Versanddienstleister eines nennt.
expected-by = Erwartet am
promised-for = Zugesagt für
late-on-vehicle = Ihre Bestellung verspätet sich. Sie war für { $date } zugesagt; heute ist sie im Zustellfahrzeug.
late-not-arrived = Ihre Bestellung verspätet sich. Sie war für { $date } zugesagt und ist noch nicht angekommen. Wir kümmern uns darum und aktualisieren diese Seite, sobald sich etwas bewegt.
late-likely = Ihre Bestellung verspätet sich. Sie kommt voraussichtlich nach dem { $date }, dem zugesagten Datum.

## Das voraussichtliche Zeitfenster
arriving-on = Kommt am { $day }
arriving-window = Kommt { $range }, am wahrscheinlichsten am { $likely }
forecast-history = Auf Grundlage von { $deliveries ->
    [one] { $deliveries } Zustellung
   *[other] { $deliveries } Zustellungen
} auf dieser Strecke in den letzten { $days } Tagen.
forecast-carrier = Schätzung des Versanddienstleisters; noch keine Zustellhistorie für diese Strecke.
forecast-promised = Das beim Kauf zugesagte Datum; noch keine Zustellhistorie für diese Strecke.
forecast-last-mile = Nach der Position des Zustellfahrzeugs.

## Der Fortschrittsbalken
progress-label = Fortschritt
progress-ordered = Bestellt
progress-packed = Verpackt
progress-shipped = Versandt
progress-out-for-delivery = In Zustellung
progress-delivered = Zugestellt
progress-partly-delivered = Teilweise zugestellt

## Probleme
problems-label = Probleme mit Ihrer Lieferung
condition-temperature = Gemessene Temperatur { $value } °C, { $limit }, { $lasted }.
condition-humidity = Gemessene Luftfeuchtigkeit { $value } %, { $limit }, { $lasted }.
condition-shock = Gemessener Stoß { $value } g, { $limit }, { $lasted }.
condition-battery = Akku { $value } %, { $limit }, { $lasted }.
condition-door = Die Tür war { $lasted } offen.
condition-above = über dem Grenzwert von { $limit }
condition-below = unter dem Grenzwert von { $limit }
condition-outside = außerhalb der Grenzwerte
condition-for = für { $duration }
condition-for-so-far = seit { $duration }
condition-back = Wieder im Bereich. { $text }
duration-minutes = { $minutes } Min.
duration-hours = { $hours } Std.
duration-hours-minutes = { $hours } Std. { $minutes } Min.

## Der Verlauf
tracking-history = Sendungsverlauf
time-zone-note = Zeiten in der Zeitzone der Lieferadresse ({ $zone }).
source-clock = { $time } Ortszeit (UTC{ $offset })
show-all-updates = { $count ->
    [one] { $count } Meldung anzeigen
   *[other] Alle { $count } Meldungen anzeigen
}
show-fewer-updates = Weniger Meldungen anzeigen
new-update = Neue Meldung:

## Sendungen und Artikel
shipment-one = Sendung
timeline-return = Rücksendung
shipment-n-of = Sendung { $index } von { $count }
shipments-heading = Ihre Bestellung kommt in mehreren Paketen
shipment-waiting = Verpackt, wartet auf den Versanddienstleister
tracking-number = Sendungsnummer
items-heading = Artikel
item-column = Artikel
ordered-column = Bestellt
shipped-column = Versandt
to-follow-column = Folgt noch
will-not-ship = { $count } { $count ->
    [one] wird nicht versandt (storniert)
   *[other] werden nicht versandt (storniert)
}

## Die letzte Meile
on-its-way-heading = Auf dem Weg zu Ihnen
arriving-between = Kommt zwischen { $from } und { $to }
location-updated = Standort aktualisiert um { $time }
next-delivery = Sie sind die nächste Zustellung
deliveries-before = { $count ->
    [one] { $count } Zustellung vor Ihrer
   *[other] { $count } Zustellungen vor Ihrer
}
map-label = Karte mit dem Zustellfahrzeug und Ihrer Adresse
map-vehicle = Zustellfahrzeug
map-address = Lieferadresse

## Zustellnachweis
pod-heading = Zustellnachweis
pod-received-by = Angenommen von
pod-signature-of = Unterschrift von { $name }
pod-photo = Zustellfoto { $number }

## Adresse und Hilfe
help-heading = Brauchen Sie Hilfe mit dieser Lieferung?
change-delivery = Neue Zustellung oder Abholung bei { $carrier } vereinbaren
request-kind-label = Was brauchen Sie?
request-instructions = Zustellhinweise ändern
request-problem = Ein Problem melden
request-text-label = Ihre Nachricht
request-send = An den Kundenservice senden
request-sent = Vielen Dank. Der Kundenservice hat Ihre Nachricht erhalten und meldet sich bei Ihnen.
request-empty = Bitte wählen Sie Ihr Anliegen und schreiben Sie eine Nachricht (höchstens 1.000 Zeichen).
request-limited = Sie haben heute schon mehrere Nachrichten gesendet; der Kundenservice meldet sich bei Ihnen.
carrier-site = auf der Website des Versanddienstleisters
copy-tracking-number = Kopieren
copied = Kopiert
delivering-to = Lieferadresse
contact-service = Kundenservice von { $brand }:

## Nachrichten per E-Mail oder SMS
updates-heading = Benachrichtigungen erhalten
updates-when-ships = wenn Ihre Bestellung versandt wird, in Zustellung ist und ankommt
updates-when-rest-ships = wenn der Rest Ihrer Bestellung versandt wird, in Zustellung ist und ankommt
updates-when-out = wenn Ihre Bestellung in Zustellung ist und ankommt
updates-when-arrives = wenn Ihre Bestellung ankommt
updates-intro = Wir benachrichtigen Sie per E-Mail oder SMS, { $when }, und sofort, wenn etwas schiefgeht.
updates-confirmed = Erledigt: Wir benachrichtigen Sie, { $when }.
updates-address-label = E-Mail oder Mobilnummer (mit +Ländervorwahl)
updates-send-code = Code senden
updates-code-sent = Wir haben einen Code an { $address } gesendet.
updates-code-label = Code
updates-confirm = Bestätigen
updates-link-invalid = Dieser Link zur Sendungsverfolgung ist nicht mehr gültig.
updates-enter-address = Bitte geben Sie eine gültige E-Mail-Adresse oder eine Mobilnummer mit +Ländervorwahl ein.
updates-already = { $address } erhält bereits Benachrichtigungen.
updates-too-many-codes = Wir haben bereits mehrere Codes gesendet; bitte versuchen Sie es in einer Stunde erneut.
updates-start-again = Bitte beginnen Sie noch einmal mit Ihrer E-Mail-Adresse oder Telefonnummer.
updates-wrong-code = Dieser Code stimmt nicht (oder ist abgelaufen). Prüfen Sie ihn oder fordern Sie einen neuen an.
updates-unavailable = Benachrichtigungen sind vorübergehend nicht verfügbar.

## The proof-of-delivery PDF a buyer downloads
pod-pdf-title = Zustellnachweis
pod-pdf-order = Bestellung
pod-pdf-customer-po = Bestellnummer des Kunden
pod-pdf-shipment = Sendung
pod-pdf-received-by = Empfangen von
pod-pdf-delivered-at = Zugestellt am
pod-pdf-place = Ort
pod-pdf-ship-to = Lieferanschrift
pod-pdf-reference = Referenz
pod-pdf-lines = Positionen
pod-pdf-line = Pos.
pod-pdf-sku = Artikelnr.
pod-pdf-description = Beschreibung
pod-pdf-quantity = Menge
pod-pdf-no-lines = Keine Positionen erfasst.
pod-pdf-note = Hinweis
pod-pdf-stored-files = Gespeicherte Dateien
pod-pdf-no-files = Keine Dateien gespeichert.
pod-pdf-receiving = Beim Wareneingang festgestellt
pod-pdf-continued = (Fortsetzung)
pod-pdf-download = Zustellnachweis (PDF)

# Returns
returns-heading = Rücksendungen
returns-up-to = Bis zu { $quantity }
returns-window = Sie können Artikel bis { $date } zurücksenden.
returns-start = Artikel zurücksenden
returns-quantity = Anzahl
returns-reason = Grund
returns-photo = Foto
returns-comment = Möchten Sie uns noch etwas mitteilen? (optional)
returns-resolution = Was wünschen Sie sich?
returns-submit = Rücksendung anfragen
returns-photo-needed = Ein Foto ist nötig für: { $reasons }.
returns-requested-at = Angefragt { $when }
returns-label = Rücksendeetikett drucken (PDF)
returns-tracking = Sendungsverfolgung der Rücksendung: { $carrier } { $number }
returns-credited = Guthaben gutgeschrieben: { $amount } (Ref. { $reference })
returns-refunded = Erstattung veranlasst: { $amount } (Ref. { $reference })
returns-sent = Rücksendung { $rma } angefragt. Verfolgen Sie sie hier.
returns-declined-because = Grund: { $reason }
returns-refused-outside_window = Die Rückgabefrist für diese Artikel ist abgelaufen.
returns-refused-not_returnable = Diese Artikel sind von der Rückgabe ausgeschlossen.
returns-refused-more_than_returnable = Sie möchten mehr zurücksenden, als noch möglich ist.
returns-refused-photo_required = Bitte fügen Sie ein Foto für beschädigte oder defekte Artikel hinzu.
returns-refused-photo_unreadable = Wir konnten das Foto nicht verwenden. Bitte senden Sie ein JPEG oder PNG mit höchstens 8 MB.
returns-refused-nothing = Wählen Sie mindestens einen Artikel und einen Grund.
returns-refused-limited = Heute wurden zu viele Rücksendungen angefragt. Bitte kontaktieren Sie uns.
return-reason-wrong_item = Falscher Artikel geliefert
return-reason-damaged = Beschädigt angekommen
return-reason-defective = Funktioniert nicht
return-reason-not_as_described = Nicht wie beschrieben
return-reason-no_longer_needed = Nicht mehr benötigt
return-reason-arrived_late = Zu spät angekommen
return-reason-other = Anderer Grund
return-resolution-refund = Erstattung
return-resolution-exchange = Umtausch
return-resolution-store_credit = Guthaben

# Return label
label-title = Rücksendeetikett
label-from = Von
label-to = An
label-rma = Rücksendenummer
label-order = Bestellung
label-cut-here = Entlang der gestrichelten Linie ausschneiden
label-instructions = Anleitung
label-contents = In diesem Paket
label-sku = Artikelnr.
label-description = Beschreibung
label-quantity = Menge
label-reason = Grund
label-no-lines = Keine Positionen.
label-continued = (Fortsetzung)
label-no-address = Fragen Sie uns nach der Rücksendeadresse.
label-step-print = Drucken Sie diese Seite aus und schneiden Sie das Etikett entlang der gestrichelten Linie aus.
label-step-pack = Verpacken Sie die unten aufgeführten Artikel sicher und kleben Sie das Etikett außen auf das Paket.
label-step-hand-over = Übergeben Sie das Paket dem Versanddienst. Ihre Sendungsseite verfolgt die Rücksendung bis zum Abschluss.
