# Páginas em torno da página de rastreamento: busca de pedido e cancelamento de avisos.

## Rastreie seu pedido (sem link)
lookup-title = Rastreie seu pedido
lookup-title-brand = Rastreie seu pedido · { $brand }
lookup-which-shop = Em qual loja você comprou? Informe o código da loja que está na confirmação do pedido.
lookup-shop-code = Código da loja
lookup-continue = Continuar
lookup-intro = Informe o número do pedido e o e-mail ou o CEP de entrega do pedido.
lookup-order-number = Número do pedido
lookup-email-or-postcode = E-mail ou CEP de entrega
lookup-find = Encontrar meu pedido
lookup-need-help = Precisa de ajuda?
lookup-missing-number = Informe o número do seu pedido.
lookup-number-too-long = Esse número de pedido é longo demais. Confira na confirmação do pedido.
lookup-answer-too-long = Esse e-mail ou CEP é longo demais.
lookup-missing-answer = Informe o e-mail ou o CEP de entrega do pedido.
lookup-link-sent = Se esses dados corresponderem a um pedido, enviamos um link de rastreamento para o e-mail do pedido. Ele vale por um dia.
lookup-not-found = Não encontramos nenhum pedido com esses dados. Confira o número do pedido e o e-mail ou o CEP na confirmação do pedido.
lookup-too-many = { $minutes ->
    [one] Muitas tentativas. Tente de novo em { $minutes } minuto.
   *[other] Muitas tentativas. Tente de novo em { $minutes } minutos.
}

## Cancelar avisos
unsubscribe-button = Cancelar avisos
unsubscribe-unknown-title = Link não reconhecido
unsubscribe-unknown-text = Este link de cancelamento não é válido.
unsubscribe-ask-title = Parar de receber avisos sobre este pedido?
unsubscribe-ask-text = Você não receberá mais e-mails nem SMS sobre este pedido.
unsubscribe-done-title = Avisos cancelados
unsubscribe-done-text = Você não receberá mais avisos sobre o pedido { $number }.
unsubscribe-failed-title = Algo deu errado
unsubscribe-failed-text = Tente o link de novo mais tarde.
