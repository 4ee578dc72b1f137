"""Start-up logs say what is true for the mode the service runs in."""

import logging


def test_development_start_up_logs_no_error_for_a_missing_model_while_simulated_calls_answer(
    make_app, caplog
):
    with caplog.at_level(logging.INFO):
        make_app(simulated_speech=True)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "simulated calls (`voice call --text`) are still answered" in said
    assert "real calls in en-US go straight to a person" in said


def test_production_start_up_logs_an_error_when_calls_go_to_a_person_for_want_of_a_model(
    make_app, caplog
):
    with caplog.at_level(logging.INFO):
        make_app(simulated_speech=False)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("calls in en-US go to a person" in e for e in errors)
    assert "simulated" not in " ".join(r.getMessage() for r in caplog.records)
