//! Spanish (formal address, "usted").

use crate::texts::{BannerTexts, DeclarationTexts, EmbedTexts, StorageTexts};

pub(crate) const TEXTS: BannerTexts = texts! {
    title: "Cookies en este sitio",
    body: "Este sitio usa siempre las cookies que necesita para funcionar y, solo con su \
           consentimiento, cookies de preferencias, análisis y marketing. Rechazar es tan \
           fácil como aceptar, y puede cambiar su elección en cualquier momento en \
           «Configuración de cookies».",
    accept_all: "Aceptar todas",
    reject_all: "Rechazar todas",
    withdraw: "Retirar el consentimiento",
    customize: "Personalizar",
    save: "Guardar selección",
    settings: "Configuración de cookies",
    back: "Volver al sitio",
    always_on: "Siempre activas",
    gpc_notice: "Su navegador ha enviado una señal de Control Global de Privacidad (GPC), \
                 por lo que las cookies de marketing permanecen desactivadas.",
    saved: "Se ha guardado su elección.",
    not_saved: "No se ha podido guardar su elección.",
    records: "Descargar mis registros de consentimiento",
    reload_notice: "Recargue la página para detener lo que ya se está ejecutando.",
    necessary: (
        "Necesarias",
        "Sin ellas el sitio no funciona: sesión, seguridad y recordar esta elección."
    ),
    preferences: ("Preferencias", "Recuerdan sus elecciones, como el tema o el idioma."),
    analytics: ("Análisis", "Miden cómo se usa el sitio."),
    marketing: ("Marketing", "Publicidad y seguimiento a través de distintos sitios."),
    declaration: (DeclarationTexts::spanish()),
    embeds: (EmbedTexts::spanish()),
    storage: (StorageTexts::spanish()),
};
