// Calibration: runs a float model over representative data with the observer
// and returns the statistics the quantizer chooses ranges from.
#pragma once

#include <functional>
#include <string>

#include "calib/data.h"
#include "calib/observer.h"
#include "calib/stats.h"
#include "octet/model.h"

namespace octet::calib {

struct CalibrateOptions {
  ObserverOptions observer;
  int num_threads = 0;                // for the interpreter's large ops (0: one per core)
  size_t max_samples = 0;             // 0: every sample of the source
  std::string model_name;             // goes into Stats::model with the data's description
  // Called after each sample with (done, total).
  std::function<void(size_t, size_t)> progress;
};

// Throws octet::Error naming the sample and input when data does not fit the
// model, and naming the op when the model cannot be run.
Stats calibrate(const Model& model, DataSource& data, const CalibrateOptions& options = {});

}  // namespace octet::calib
