# E-mails et SMS aux acheteurs inscrits aux notifications.

code-subject = Votre code pour suivre la commande { $number }
code-body = Votre code est { $code }. Saisissez-le sur la page de suivi pour recevoir des informations sur la commande { $number }. Si vous n'avez rien demandé, ignorez ce message.
code-sms-text = { $brand } : votre code pour suivre la commande { $number } est { $code }
notify-confirmed-subject = Nous avons bien reçu votre commande { $number }
notify-confirmed-text = Votre commande est confirmée et en cours de préparation.
notify-shipped-subject = Votre commande { $number } est en route
notify-shipped-text = Votre commande a quitté notre entrepôt.
notify-out_for_delivery-subject = Votre commande { $number } arrive aujourd'hui
notify-out_for_delivery-text = Votre commande est en cours de livraison.
notify-delivered-subject = Votre commande { $number } a été livrée
notify-delivered-text = Votre commande a été livrée.
notify-order_lookup-subject = Suivez votre commande { $number }
notify-order_lookup-text = Voici le lien demandé pour suivre votre commande. Il est valable un jour.
notify-cs_delay-subject = Votre commande { $number } a du retard
notify-cs_delay-text = Nous sommes désolés que votre commande prenne plus de temps que prévu. Notre équipe s'en occupe et vous tiendra informé.
notify-cs_address-subject = Vérifiez l'adresse de livraison de la commande { $number }
notify-cs_address-text = Le transporteur a besoin d'aide pour trouver votre adresse de livraison. Répondez-nous ou contactez-nous pour la confirmer.
notify-cs_sorted-subject = Bonne nouvelle pour votre commande { $number }
notify-cs_sorted-text = Le problème de votre commande est réglé. Merci de votre patience.
notify-other-subject = Du nouveau sur votre commande { $number } : { $label }
notify-follow-live = Suivez-la en direct :
notify-follow-link = Suivre votre commande en direct
notify-questions = Des questions ? Écrivez à { $email }.
notify-no-more = Ne plus recevoir d'informations sur cette commande :
notify-unsubscribe = Se désabonner des informations sur cette commande
notify-sms-unsubscribe = Arrêt : { $url }
