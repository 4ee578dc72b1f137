"""The project's small exception hierarchy; each surface turns these into messages in one place."""


class VoiceError(Exception):
    """Base class for errors the service knows how to explain."""


class CallflowError(VoiceError):
    """A callflow could not be used."""


class CallflowInvalid(CallflowError):
    """A callflow file breaks the format: names the file, the key, what is wrong and the fix."""

    line = 0  # the file's line, when flow.report knows it

    def __init__(self, file: str, key: str, problem: str, fix: str = ""):
        self.file, self.key, self.problem, self.fix = file, key, problem, fix
        text = f"{file}: {key}: {problem}"
        super().__init__(f"{text} (fix: {fix})" if fix else text)


class CallflowNotFound(CallflowError):
    """No callflow answers for a line."""


class ModelError(VoiceError):
    """A speech model is missing or unusable."""


class ModelMissing(ModelError):
    """No speech model was found for a language; says where it looked."""

    what = "Vosk model"

    def __init__(self, language: str, searched: list[str]):
        self.language, self.searched = language, searched
        where = "; ".join(searched) or "nowhere"
        super().__init__(f"no {self.what} for {language}; looked in: {where}. {self.fix()}")

    def fix(self) -> str:
        """Return how to get a model."""
        return f"Set VOSK_MODEL_PATH or run `voice models download {self.language.lower()}`."


class NluModelMissing(ModelMissing):
    """No understanding (sentence-embedding) model was found for a language."""

    what = "understanding model"

    def fix(self) -> str:
        """Return how to get a model."""
        return "Run `voice models download nlu-en` (English) or set NLU_MODEL_PATH."


class DownloadError(ModelError):
    """A model download failed or did not match its checksum."""


class TtsUnavailable(VoiceError):
    """No speech synthesizer could voice a prompt (espeak-ng missing or failing)."""


class LookupFailed(VoiceError):
    """A callflow's named data lookup failed; the caller goes to a person."""


class ConfigError(VoiceError):
    """A setting or the settings file cannot be used; says which and the fix."""


class DatabaseError(VoiceError):
    """DATABASE_URL cannot be used, or the database does not answer; says the fix."""
