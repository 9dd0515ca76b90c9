"""Where the speech is: regions fed to the recogniser, and quiet moments to cut pieces at."""

from ivr.adapters.speech.activity import SPEECH_LEVEL, quiet_cut, voiced_regions

LOUD, QUIET = SPEECH_LEVEL * 4, 3


def test_silence_has_no_voiced_region() -> None:
    assert voiced_regions([QUIET] * 500) == []
    assert voiced_regions([]) == []


def test_speech_is_padded_on_both_sides_and_clipped_to_the_audio() -> None:
    levels = [QUIET] * 100 + [LOUD] * 50 + [QUIET] * 100
    assert voiced_regions(levels, pad=30) == [(70, 180)]
    assert voiced_regions([LOUD] * 10 + [QUIET] * 5, pad=30) == [(0, 15)]


def test_short_pauses_stay_inside_one_region_and_long_ones_split_it() -> None:
    short_pause = [LOUD] * 20 + [QUIET] * 50 + [LOUD] * 20
    assert voiced_regions(short_pause, pad=10, bridge=80) == [(0, 90)]
    long_pause = [LOUD] * 20 + [QUIET] * 300 + [LOUD] * 20
    assert voiced_regions(long_pause, pad=10, bridge=80) == [(0, 30), (310, 340)]


def test_a_piece_is_cut_in_the_middle_of_the_longest_moment_when_every_channel_is_quiet() -> None:
    customer = [LOUD] * 40 + [QUIET] * 60 + [LOUD] * 100
    agent = [QUIET] * 40 + [LOUD] * 20 + [QUIET] * 140
    # both quiet from 60 to 100 (40 frames) and 100..200 has customer loud: cut at 80
    assert quiet_cut([customer, agent], 0, 199) == 80


def test_without_any_quiet_moment_the_quietest_frame_is_chosen() -> None:
    levels = [LOUD * 2] * 50 + [LOUD] + [LOUD * 2] * 50
    assert quiet_cut([levels], 10, 90) == 50
