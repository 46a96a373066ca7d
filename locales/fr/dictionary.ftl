# Textes du dictionnaire des statuts pour les acheteurs : un libellé et une
# explication par étape et par incident.

milestone-placed = Commande passée
milestone-placed-explain = Nous avons bien reçu votre commande.
milestone-confirmed = Commande confirmée
milestone-confirmed-explain = Votre commande est confirmée et en cours de préparation.
milestone-released_to_warehouse = Transmise à l'entrepôt
milestone-released_to_warehouse-explain = {""}
milestone-picked = Préparée
milestone-picked-explain = {""}
milestone-packed = Emballée
milestone-packed-explain = Vos articles sont emballés et attendent le transporteur.
milestone-shipped = Expédiée
milestone-shipped-explain = Le transporteur a pris en charge votre colis.
milestone-in_transit = En transit
milestone-in_transit-explain = Votre colis est en route.
milestone-arrived_at_hub = Arrivé au centre de distribution local
milestone-arrived_at_hub-explain = Votre colis est arrivé au centre de distribution proche de chez vous.
milestone-out_for_delivery = En cours de livraison
milestone-out_for_delivery-explain = Votre colis est dans le véhicule de livraison aujourd'hui.
milestone-arriving_soon = Arrive bientôt
milestone-arriving_soon-explain = Le livreur est presque à votre adresse.
milestone-delivered = Livré
milestone-delivered-explain = Votre colis a été livré.

exception-delayed = Retardé
exception-delayed-explain = Votre colis a du retard. Il est toujours en route et nous mettrons à jour la date de livraison dès que le transporteur le fera.
exception-delayed-next = Il est toujours en route ; la nouvelle date s'affichera ici dès que le transporteur la communiquera.
exception-failed_attempt = Tentative de livraison échouée
exception-failed_attempt-explain = Le livreur n'a pas pu livrer votre colis. Il réessaie généralement le jour ouvré suivant.
exception-failed_attempt-next = Le transporteur réessaie généralement le jour ouvré suivant.
exception-address_issue = Problème d'adresse
exception-address_issue-explain = Le transporteur n'a pas pu trouver ou atteindre l'adresse de livraison. Contactez-nous pour la corriger.
exception-address_issue-next = Contactez-nous pour corriger l'adresse ; le colis attend en attendant.
exception-damaged = Endommagé pendant le transport
exception-damaged-explain = Votre colis a été endommagé en route. Notre service client vous contactera pour un remplacement.
exception-damaged-next = Notre service client vous contactera pour un remplacement.
exception-held = Bloqué
exception-held-explain = Votre colis est retenu par le transporteur (par exemple en douane ou au dépôt). Il repartira dès qu'il sera libéré.
exception-held-next = Il repartira dès que le transporteur le libérera ; cette page se mettra alors à jour.
exception-returned_to_sender = Retourné à l'expéditeur
exception-returned_to_sender-explain = Votre colis nous est retourné. Contactez le service client pour organiser une nouvelle livraison ou un remboursement.
exception-returned_to_sender-next = Contactez-nous pour organiser une nouvelle livraison ou un remboursement.
exception-cancelled = Annulée
exception-cancelled-explain = Cette commande a été annulée.
exception-cancelled-next = Plus rien ne sera expédié pour cette commande.
exception-condition_excursion = Alerte de conditions
exception-condition_excursion-explain = Un capteur voyageant avec votre envoi a relevé des conditions hors de la plage convenue. Notre équipe vérifie la marchandise.
exception-condition_excursion-next = Notre équipe vérifie la marchandise et vous contactera si elle est affectée.
exception-receiving_discrepancy = Écart de quantité à la réception
exception-receiving_discrepancy-explain = La quantité comptée à la réception diffère de la quantité expédiée. Notre équipe examine la situation.
exception-receiving_discrepancy-next = Notre équipe examine l'écart.
exception-predicted_late = En retard
exception-predicted_late-explain = Votre commande arrivera probablement après la date promise. Elle est toujours en route ; nous la surveillons.
exception-predicted_late-next = Elle est toujours en route ; nous la surveillons.
exception-incomplete_order = Informations de commande manquantes
exception-incomplete_order-explain = Nous complétons les informations de votre commande avant l'expédition. Nous vous contacterons si nous avons besoin de quoi que ce soit.
exception-incomplete_order-next = Nous vous contacterons si nous avons besoin de quoi que ce soit avant l'expédition.

resolved-condition_excursion = Conditions revenues dans la plage
resolved-predicted_late = De nouveau dans les temps
resolved-incomplete_order = Informations de commande complétées
resolved-other = Problème résolu

# Sens plus précis que l'acheteur doit lire.
meaning-available_for_pickup = Disponible en point de retrait
meaning-available_for_pickup-explain = Votre colis vous attend dans un point de retrait. Munissez-vous d'une pièce d'identité et de votre numéro de suivi ; il est conservé pendant une durée limitée.
meaning-delivered_to_neighbour = Livré à un voisin
meaning-delivered_to_neighbour-explain = Le livreur a remis votre colis à un voisin.
meaning-delivered_to_safe_place = Livré en lieu sûr
meaning-delivered_to_safe_place-explain = Le livreur a déposé votre colis à l'endroit sûr convenu pour cette adresse.
meaning-delivered_to_locker = Livré en consigne
meaning-delivered_to_locker-explain = Votre colis est dans une consigne automatique ; le transporteur vous envoie le code pour l'ouvrir.
meaning-lost = Perdu
meaning-lost-explain = Le transporteur a perdu votre colis. Notre service client vous contactera pour un remplacement ou un remboursement.
meaning-held_at_customs = Retenu en douane
meaning-held_at_customs-explain = Votre colis est contrôlé par la douane. Il repartira une fois dédouané ; des droits ou des documents peuvent être demandés.
