# Texte des Statuswörterbuchs für Käufer: eine Bezeichnung und eine
# Erklärung je Meilenstein und je Problem.

milestone-placed = Bestellung aufgegeben
milestone-placed-explain = Wir haben Ihre Bestellung erhalten.
milestone-confirmed = Bestellung bestätigt
milestone-confirmed-explain = Ihre Bestellung ist bestätigt und wird vorbereitet.
milestone-released_to_warehouse = An das Lager übergeben
milestone-released_to_warehouse-explain = {""}
milestone-picked = Kommissioniert
milestone-picked-explain = {""}
milestone-packed = Verpackt
milestone-packed-explain = Ihre Artikel sind verpackt und warten auf den Versanddienstleister.
milestone-shipped = Versandt
milestone-shipped-explain = Der Versanddienstleister hat Ihr Paket übernommen.
milestone-in_transit = Unterwegs
milestone-in_transit-explain = Ihr Paket ist unterwegs.
milestone-arrived_at_hub = Im Zustellzentrum angekommen
milestone-arrived_at_hub-explain = Ihr Paket ist im Zustellzentrum in Ihrer Nähe angekommen.
milestone-out_for_delivery = In Zustellung
milestone-out_for_delivery-explain = Ihr Paket ist heute im Zustellfahrzeug.
milestone-arriving_soon = Kommt gleich
milestone-arriving_soon-explain = Der Zusteller ist fast bei Ihrer Adresse.
milestone-delivered = Zugestellt
milestone-delivered-explain = Ihr Paket wurde zugestellt.

exception-delayed = Verspätet
exception-delayed-explain = Ihr Paket verspätet sich. Es ist weiterhin unterwegs, und wir aktualisieren das Lieferdatum, sobald der Versanddienstleister es tut.
exception-delayed-next = Es ist weiterhin unterwegs; das neue Datum erscheint hier, sobald der Versanddienstleister es nennt.
exception-failed_attempt = Zustellversuch fehlgeschlagen
exception-failed_attempt-explain = Der Zusteller konnte Ihr Paket nicht zustellen. Meist versucht er es am nächsten Werktag erneut.
exception-failed_attempt-next = Der Versanddienstleister versucht es meist am nächsten Werktag erneut.
exception-address_issue = Problem mit der Adresse
exception-address_issue-explain = Der Versanddienstleister konnte die Lieferadresse nicht finden oder erreichen. Bitte kontaktieren Sie uns, damit wir sie korrigieren können.
exception-address_issue-next = Bitte kontaktieren Sie uns, damit wir die Adresse korrigieren können; das Paket wartet so lange.
exception-damaged = Beim Transport beschädigt
exception-damaged-explain = Ihr Paket wurde unterwegs beschädigt. Unser Kundenservice meldet sich wegen eines Ersatzes bei Ihnen.
exception-damaged-next = Unser Kundenservice meldet sich wegen eines Ersatzes bei Ihnen.
exception-held = Zurückgehalten
exception-held-explain = Ihr Paket wird vom Versanddienstleister zurückgehalten (zum Beispiel beim Zoll oder im Depot). Es geht weiter, sobald es freigegeben ist.
exception-held-next = Es geht weiter, sobald der Versanddienstleister es freigibt; diese Seite wird dann aktualisiert.
exception-returned_to_sender = An den Absender zurück
exception-returned_to_sender-explain = Ihr Paket ist auf dem Rückweg zu uns. Bitte kontaktieren Sie den Kundenservice für eine neue Zustellung oder eine Erstattung.
exception-returned_to_sender-next = Bitte kontaktieren Sie uns für eine neue Zustellung oder eine Erstattung.
exception-cancelled = Storniert
exception-cancelled-explain = Diese Bestellung wurde storniert.
exception-cancelled-next = Aus dieser Bestellung wird nichts mehr versandt.
exception-condition_excursion = Bedingungswarnung
exception-condition_excursion-explain = Ein Sensor in Ihrer Sendung hat Bedingungen außerhalb des vereinbarten Bereichs gemessen. Unser Team prüft die Ware.
exception-condition_excursion-next = Unser Team prüft die Ware und meldet sich, falls sie betroffen ist.
exception-receiving_discrepancy = Mengenabweichung beim Wareneingang
exception-receiving_discrepancy-explain = Die beim Wareneingang gezählte Menge weicht von der versandten ab. Unser Team prüft das.
exception-receiving_discrepancy-next = Unser Team prüft die Abweichung.
exception-predicted_late = Verspätet sich
exception-predicted_late-explain = Ihre Bestellung kommt voraussichtlich nach dem zugesagten Datum an. Sie ist weiterhin unterwegs; wir behalten sie im Blick.
exception-predicted_late-next = Sie ist weiterhin unterwegs; wir behalten sie im Blick.
exception-incomplete_order = Bestelldaten fehlen
exception-incomplete_order-explain = Wir vervollständigen die Daten Ihrer Bestellung vor dem Versand. Wir melden uns, falls wir etwas brauchen.
exception-incomplete_order-next = Wir melden uns, falls wir vor dem Versand etwas brauchen.

resolved-condition_excursion = Bedingungen wieder im Bereich
resolved-predicted_late = Wieder im Zeitplan
resolved-incomplete_order = Bestelldaten vervollständigt
resolved-other = Problem behoben

# Genauere Bedeutungen, die der Käufer lesen soll.
meaning-available_for_pickup = Abholbereit
meaning-available_for_pickup-explain = Ihr Paket liegt an einer Abholstelle für Sie bereit. Bringen Sie einen Ausweis und Ihre Sendungsnummer mit; es wird nur begrenzte Zeit aufbewahrt.
meaning-delivered_to_neighbour = Beim Nachbarn abgegeben
meaning-delivered_to_neighbour-explain = Der Zusteller hat Ihr Paket bei einem Nachbarn abgegeben.
meaning-delivered_to_safe_place = An einem sicheren Ort abgelegt
meaning-delivered_to_safe_place-explain = Der Zusteller hat Ihr Paket am für diese Adresse vereinbarten Ablageort abgelegt.
meaning-delivered_to_locker = In eine Packstation geliefert
meaning-delivered_to_locker-explain = Ihr Paket liegt in einer Packstation; der Versanddienstleister schickt Ihnen den Code zum Öffnen.
meaning-lost = Verloren
meaning-lost-explain = Der Versanddienstleister hat Ihr Paket verloren. Unser Kundenservice meldet sich wegen Ersatz oder Erstattung bei Ihnen.
meaning-held_at_customs = Beim Zoll
meaning-held_at_customs-explain = Ihr Paket wird vom Zoll geprüft. Es geht nach der Verzollung weiter; eventuell sind Abgaben oder Unterlagen nötig.
