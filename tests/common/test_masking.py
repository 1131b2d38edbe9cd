"""ID numbers masked for viewers who do not need them, and never in a log line."""

import logging

from medpause.common.masking import MaskPersonalDataFilter, mask_id_number, mask_text


def test_mask_id_number():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("110105194912310021") == "110105********0021"
    assert mask_id_number("") == "" and mask_id_number(None) == ""
    assert mask_id_number("12345") == "*****"


def test_mask_text_masks_every_id_number_and_mobile_number_and_only_those():
    text = "申请人 11010519491231002X 与 310104198904160825 的材料；卡号 3100007347517837；电话 13800138000"
    masked = mask_text(text)
    assert "11010519491231002X" not in masked and "310104198904160825" not in masked
    assert "110105********002X" in masked and "310104********0825" in masked
    assert "3100007347517837" in masked  # a card number is not a phone number
    assert "13800138000" not in masked and "138****8000" in masked  # a mobile number is personal data too
    assert mask_text("参考号 213800138000 与 12800138000") == "参考号 213800138000 与 12800138000"  # not mobile numbers
    assert mask_text("ref A11010519491231002X9") == "ref A11010519491231002X9"  # part of a longer token


def test_the_log_filter_masks_id_numbers(caplog):
    logger = logging.getLogger("medpause.test.masking")
    logger.addFilter(MaskPersonalDataFilter())
    try:
        with caplog.at_level(logging.INFO, logger="medpause.test.masking"):
            logger.info("looked up %s for %s", "11010519491231002X", "officer.beijing")
    finally:
        logger.filters.clear()
    assert caplog.messages == ["looked up 110105********002X for officer.beijing"]
    assert "11010519491231002X" not in caplog.text


def test_the_log_filter_keeps_a_broken_format_string():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", ("only-one",), None)
    assert MaskPersonalDataFilter().filter(record) is True
