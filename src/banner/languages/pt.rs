//! Portuguese (European spelling, polite third person, "o seu").

use crate::banner::{BannerTexts, DeclarationTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Cookies neste site",
    body: "Este site utiliza sempre os cookies de que precisa para funcionar e, apenas \
           com o seu consentimento, cookies de preferências, estatísticas e marketing. \
           Recusar é tão fácil como aceitar, e pode alterar a sua escolha a qualquer \
           momento em «Definições de cookies».",
    accept_all: "Aceitar todos",
    reject_all: "Rejeitar todos",
    withdraw: "Retirar o consentimento",
    customize: "Personalizar",
    save: "Guardar escolhas",
    settings: "Definições de cookies",
    back: "Voltar ao site",
    always_on: "Sempre ativos",
    gpc_notice: "O seu navegador enviou um sinal Global Privacy Control (GPC), pelo que os \
                 cookies de marketing permanecem desativados.",
    saved: "A sua escolha foi guardada.",
    records: "Transferir os meus registos de consentimento",
    reload_notice: "Recarregue a página para parar o que já está em execução.",
    necessary: (
        "Necessários",
        "Sem eles o site não funciona: sessões, segurança e memorização desta escolha."
    ),
    preferences: (
        "Preferências",
        "Memorizam as escolhas que faz, como o tema ou o idioma."
    ),
    analytics: (
        "Estatísticas",
        "Medem a forma como o site é utilizado, incluindo testes A/B."
    ),
    marketing: ("Marketing", "Publicidade e rastreamento entre sites."),
    declaration: (DeclarationTexts::english()),
};
