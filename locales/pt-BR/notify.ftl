# E-mails e SMS para compradores que pediram avisos.

code-subject = Seu código para receber avisos do pedido { $number }
code-body = Seu código é { $code }. Digite-o na página de rastreamento para receber avisos do pedido { $number }. Se você não pediu isso, ignore esta mensagem.
code-sms-text = { $brand }: seu código para receber avisos do pedido { $number } é { $code }
notify-confirmed-subject = Recebemos o seu pedido { $number }
notify-confirmed-text = Seu pedido está confirmado e sendo preparado.
notify-shipped-subject = Seu pedido { $number } está a caminho
notify-shipped-text = Seu pedido saiu do nosso armazém.
notify-out_for_delivery-subject = Seu pedido { $number } chega hoje
notify-out_for_delivery-text = Seu pedido saiu para entrega.
notify-delivered-subject = Seu pedido { $number } foi entregue
notify-delivered-text = Seu pedido foi entregue.
notify-order_lookup-subject = Rastreie seu pedido { $number }
notify-order_lookup-text = Aqui está o link que você pediu para acompanhar seu pedido. Ele vale por um dia.
notify-cs_delay-subject = Seu pedido { $number } está atrasado
notify-cs_delay-text = Lamentamos que seu pedido esteja demorando mais do que o previsto. Nossa equipe está cuidando disso e vai manter você informado.
notify-cs_address-subject = Confira o endereço de entrega do pedido { $number }
notify-cs_address-text = A transportadora precisa de ajuda para encontrar seu endereço de entrega. Responda ou fale conosco para confirmá-lo.
notify-cs_sorted-subject = Boas notícias sobre seu pedido { $number }
notify-cs_sorted-text = O problema com seu pedido foi resolvido. Obrigado pela paciência.
notify-other-subject = Novidades do seu pedido { $number }: { $label }
notify-follow-live = Acompanhe ao vivo:
notify-follow-link = Acompanhe seu pedido ao vivo
notify-questions = Dúvidas? Escreva para { $email }.
notify-no-more = Parar de receber avisos sobre este pedido:
notify-unsubscribe = Cancelar os avisos sobre este pedido
notify-sms-unsubscribe = Cancelar: { $url }
