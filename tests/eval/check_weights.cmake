# Writes the current features, then asks train.py whether weights.json was fitted on them.
execute_process(
  COMMAND ${EVAL} --features ${OUT} --data ${ROOT}/tests/eval --real ${ROOT}/tests/eval/real
          --intents-dir ${ROOT}/intents/data --knowledge-dir ${ROOT}/knowledge/data
  RESULT_VARIABLE wrote)
if(NOT wrote EQUAL 0)
  message(FATAL_ERROR "advisor_eval --features failed (${wrote})")
endif()
execute_process(
  COMMAND ${PYTHON} ${ROOT}/tests/eval/real/train.py ${OUT}
          --check ${ROOT}/intents/data/weights.json
  RESULT_VARIABLE checked)
if(NOT checked EQUAL 0)
  message(FATAL_ERROR "intents/data/weights.json does not match the current rules and data")
endif()
