//! A safe layer over the PJRT C API: plugin, client, executables and buffers. Every PJRT object is
//! owned by exactly one Rust value and destroyed in its `Drop`.

use std::ffi::c_void;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::array::HostArray;
use crate::dtype::DType;
use crate::sys;

#[derive(Debug, thiserror::Error)]
pub enum PjrtError {
    #[error("cannot load PJRT plugin {path}: {reason}")]
    Load { path: String, reason: String },
    #[error("{call} failed: {message}")]
    Call { call: &'static str, message: String },
    #[error("{0}")]
    Usage(String),
}

/// Zeroed PJRT argument struct with its `struct_size` set, as every PJRT call expects.
macro_rules! pjrt_args {
    ($ty:ident { $($field:ident : $value:expr),* $(,)? }) => {{
        let mut args: sys::$ty = unsafe { std::mem::zeroed() };
        args.struct_size = std::mem::size_of::<sys::$ty>();
        $(args.$field = $value;)*
        args
    }};
}

/// A loaded plugin: the shared library and its function table.
pub struct Plugin {
    api: *const sys::PJRT_Api,
    path: PathBuf,
    /// Never unloaded: XLA's plugins register process-wide state (thread pools, registries) that
    /// crashes the process at exit once the library is gone, so a plugin lives as long as the process.
    _library: std::mem::ManuallyDrop<libloading::Library>,
}

// The PJRT C API is thread-safe for clients, executables and buffers.
unsafe impl Send for Plugin {}
unsafe impl Sync for Plugin {}

impl Plugin {
    pub fn load(path: &Path) -> Result<Arc<Self>, PjrtError> {
        let fail = |reason: String| PjrtError::Load { path: path.display().to_string(), reason };
        if !path.is_file() {
            return Err(fail("no such file".to_string()));
        }
        let library = unsafe { libloading::Library::new(path) }.map_err(|e| fail(e.to_string()))?;
        let get_api: libloading::Symbol<unsafe extern "C" fn() -> *const sys::PJRT_Api> =
            unsafe { library.get(b"GetPjrtApi\0") }.map_err(|e| fail(e.to_string()))?;
        let api = unsafe { get_api() };
        if api.is_null() {
            return Err(fail("GetPjrtApi returned null".to_string()));
        }
        let plugin = Self { api, path: path.to_path_buf(), _library: std::mem::ManuallyDrop::new(library) };
        let mut args = pjrt_args!(PJRT_Plugin_Initialize_Args {});
        plugin.call("PJRT_Plugin_Initialize", plugin.api().PJRT_Plugin_Initialize, &mut args)?;
        Ok(Arc::new(plugin))
    }

    fn api(&self) -> &sys::PJRT_Api {
        unsafe { &*self.api }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// PJRT C API version the plugin implements, as (major, minor).
    pub fn api_version(&self) -> (i32, i32) {
        let v = &self.api().pjrt_api_version;
        (v.major_version, v.minor_version)
    }

    /// Calls one entry of the function table, turning a returned `PJRT_Error` into a Rust error.
    fn call<A>(
        &self,
        name: &'static str,
        function: Option<unsafe extern "C" fn(*mut A) -> *mut sys::PJRT_Error>,
        args: &mut A,
    ) -> Result<(), PjrtError> {
        let function = function
            .ok_or_else(|| PjrtError::Usage(format!("{name} is not implemented by {}", self.path.display())))?;
        let error = unsafe { function(args) };
        self.check(name, error)
    }

    fn check(&self, call: &'static str, error: *mut sys::PJRT_Error) -> Result<(), PjrtError> {
        if error.is_null() {
            return Ok(());
        }
        let mut message = pjrt_args!(PJRT_Error_Message_Args { error: error });
        let text = match self.api().PJRT_Error_Message {
            Some(f) => unsafe {
                f(&mut message);
                let bytes = std::slice::from_raw_parts(message.message as *const u8, message.message_size);
                String::from_utf8_lossy(bytes).into_owned()
            },
            None => "unknown error".to_string(),
        };
        let mut destroy = pjrt_args!(PJRT_Error_Destroy_Args { error: error });
        if let Some(f) = self.api().PJRT_Error_Destroy {
            unsafe { f(&mut destroy) };
        }
        Err(PjrtError::Call { call, message: text })
    }

    /// Waits for an event, then destroys it.
    fn await_event(&self, call: &'static str, event: *mut sys::PJRT_Event) -> Result<(), PjrtError> {
        if event.is_null() {
            return Ok(());
        }
        let mut wait = pjrt_args!(PJRT_Event_Await_Args { event: event });
        let result = self.call(call, self.api().PJRT_Event_Await, &mut wait);
        let mut destroy = pjrt_args!(PJRT_Event_Destroy_Args { event: event });
        let destroyed = self.call("PJRT_Event_Destroy", self.api().PJRT_Event_Destroy, &mut destroy);
        result.and(destroyed)
    }
}

struct ClientInner {
    plugin: Arc<Plugin>,
    raw: *mut sys::PJRT_Client,
    /// The addressable devices, in the client's order: device 0 runs single-device programs.
    devices: Vec<*mut sys::PJRT_Device>,
}

unsafe impl Send for ClientInner {}
unsafe impl Sync for ClientInner {}

impl Drop for ClientInner {
    fn drop(&mut self) {
        let mut args = pjrt_args!(PJRT_Client_Destroy_Args { client: self.raw });
        let _ = self.plugin.call("PJRT_Client_Destroy", self.plugin.api().PJRT_Client_Destroy, &mut args);
    }
}

/// A PJRT client and its addressable devices.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

/// How a program spreads over devices: XLA's replica and partition counts (a module's
/// `mhlo.num_replicas` and `mhlo.num_partitions`), and which partitioner reads its shardings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partitioning {
    pub replicas: u32,
    pub partitions: u32,
    /// Shardings written with Shardy (`sdy`) rather than GSPMD's `mhlo.sharding`.
    pub shardy: bool,
}

impl Partitioning {
    pub const SINGLE_DEVICE: Partitioning = Partitioning { replicas: 1, partitions: 1, shardy: false };

    pub fn devices(&self) -> usize {
        self.replicas as usize * self.partitions as usize
    }

    /// Serialized `xla.CompileOptionsProto` (xla/pjrt/proto/compile_options.proto): its
    /// `executable_build_options` (field 3) with device_ordinal (1) = -1, num_replicas (4),
    /// num_partitions (5), use_spmd_partitioning (6) when there are partitions, and
    /// use_shardy_partitioner (19) for Shardy's shardings.
    fn compile_options(&self) -> Vec<u8> {
        let mut build = Vec::new();
        field_varint(&mut build, 1, u64::MAX); // -1, as protobuf writes a negative int64
        field_varint(&mut build, 4, self.replicas as u64);
        field_varint(&mut build, 5, self.partitions as u64);
        if self.partitions > 1 {
            field_varint(&mut build, 6, 1);
        }
        if self.shardy {
            field_varint(&mut build, 19, 1);
        }
        let mut options = Vec::new();
        varint(&mut options, (3 << 3) | 2); // field 3, length-delimited
        varint(&mut options, build.len() as u64);
        options.extend(build);
        options
    }
}

fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn field_varint(out: &mut Vec<u8>, field: u64, value: u64) {
    varint(out, field << 3);
    varint(out, value);
}

impl Client {
    /// A client on the plugin's default devices (one CPU device).
    pub fn new(plugin: Arc<Plugin>) -> Result<Self, PjrtError> {
        Self::with_devices(plugin, 1)
    }

    /// A client with `count` devices. The CPU plugin makes that many (its `cpu_device_count` option,
    /// as jax's `--xla_force_host_platform_device_count` does); other plugins have what they have.
    pub fn with_devices(plugin: Arc<Plugin>, count: usize) -> Result<Self, PjrtError> {
        let name = b"cpu_device_count";
        let mut option = pjrt_args!(PJRT_NamedValue {
            name: name.as_ptr() as *const i8,
            name_size: name.len(),
            type_: sys::PJRT_NamedValue_kInt64,
            value_size: 1,
        });
        option.__bindgen_anon_1.int64_value = count as i64;
        let mut create = pjrt_args!(PJRT_Client_Create_Args {});
        if count > 1 {
            create.create_options = &option;
            create.num_options = 1;
        }
        plugin.call("PJRT_Client_Create", plugin.api().PJRT_Client_Create, &mut create)?;
        let raw = create.client;
        let mut devices = pjrt_args!(PJRT_Client_AddressableDevices_Args { client: raw });
        let listed =
            plugin.call("PJRT_Client_AddressableDevices", plugin.api().PJRT_Client_AddressableDevices, &mut devices);
        // From here on the client is owned, so an early return destroys it.
        let mut inner = ClientInner { plugin, raw, devices: Vec::new() };
        listed?;
        if devices.num_addressable_devices < count.max(1) {
            return Err(PjrtError::Usage(format!(
                "the PJRT client has {} addressable devices, {} needed",
                devices.num_addressable_devices,
                count.max(1)
            )));
        }
        inner.devices =
            unsafe { std::slice::from_raw_parts(devices.addressable_devices, devices.num_addressable_devices) }
                .to_vec();
        Ok(Self { inner: Arc::new(inner) })
    }

    /// How many devices the client addresses.
    pub fn device_count(&self) -> usize {
        self.inner.devices.len()
    }

    pub fn plugin(&self) -> &Arc<Plugin> {
        &self.inner.plugin
    }

    /// The platform name (`cpu`, `cuda`, ...).
    pub fn platform(&self) -> Result<String, PjrtError> {
        let plugin = &self.inner.plugin;
        let mut args = pjrt_args!(PJRT_Client_PlatformName_Args { client: self.inner.raw });
        plugin.call("PJRT_Client_PlatformName", plugin.api().PJRT_Client_PlatformName, &mut args)?;
        let bytes = unsafe { std::slice::from_raw_parts(args.platform_name as *const u8, args.platform_name_size) };
        Ok(String::from_utf8_lossy(bytes).into_owned())
    }

    /// Compiles a StableHLO module given as MLIR text or bytecode, for one device.
    pub fn compile(&self, module: &[u8]) -> Result<Executable, PjrtError> {
        self.compile_for(module, Partitioning::SINGLE_DEVICE)
    }

    /// Compiles a module for `partitioning.devices()` of the client's devices (XLA's SPMD partitioner
    /// splits it by its shardings).
    pub fn compile_for(&self, module: &[u8], partitioning: Partitioning) -> Result<Executable, PjrtError> {
        if partitioning.devices() > self.device_count() {
            return Err(PjrtError::Usage(format!(
                "the module runs on {} devices (replicas x partitions), the client has {}",
                partitioning.devices(),
                self.device_count()
            )));
        }
        let options = partitioning.compile_options();
        let plugin = &self.inner.plugin;
        let format = b"mlir";
        let program = pjrt_args!(PJRT_Program {
            code: module.as_ptr() as *mut i8,
            code_size: module.len(),
            format: format.as_ptr() as *const i8,
            format_size: format.len(),
        });
        let mut args = pjrt_args!(PJRT_Client_Compile_Args {
            client: self.inner.raw,
            program: &program,
            compile_options: options.as_ptr() as *const i8,
            compile_options_size: options.len(),
        });
        plugin.call("PJRT_Client_Compile", plugin.api().PJRT_Client_Compile, &mut args)?;
        let mut executable = Executable {
            client: self.clone(),
            raw: args.executable,
            num_outputs: 0,
            input_specs: None,
            devices: partitioning.devices(),
        };
        executable.num_outputs = executable.query_num_outputs()?;
        Ok(executable)
    }

    /// Copies a host array to the (first) device.
    pub fn to_device(&self, array: &HostArray) -> Result<Buffer, PjrtError> {
        self.to_device_at(array, 0)
    }

    /// Copies a host array to device `index` of the client's.
    pub fn to_device_at(&self, array: &HostArray, index: usize) -> Result<Buffer, PjrtError> {
        let plugin = &self.inner.plugin;
        let dims = array.shape();
        let mut args = pjrt_args!(PJRT_Client_BufferFromHostBuffer_Args {
            client: self.inner.raw,
            data: array.bytes().as_ptr() as *const c_void,
            type_: array.dtype().to_pjrt(),
            dims: dims.as_ptr(),
            num_dims: dims.len(),
            host_buffer_semantics: sys::PJRT_HostBufferSemantics_kImmutableUntilTransferCompletes,
            device: self.inner.devices[index],
        });
        plugin.call("PJRT_Client_BufferFromHostBuffer", plugin.api().PJRT_Client_BufferFromHostBuffer, &mut args)?;
        let buffer = Buffer { client: self.clone(), raw: args.buffer };
        // The host bytes must stay alive until the copy is done.
        plugin.await_event("PJRT_Event_Await (host-to-device)", args.done_with_host_buffer)?;
        Ok(buffer)
    }
}

/// The type of one argument: what `run` checks inputs against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorSpec {
    pub dtype: DType,
    pub shape: Vec<i64>,
}

impl std::fmt::Display for TensorSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "tensor<")?;
        for d in &self.shape {
            write!(f, "{d}x")?;
        }
        write!(f, "{}>", self.dtype)
    }
}

/// A compiled program, loaded on the client's device.
pub struct Executable {
    client: Client,
    raw: *mut sys::PJRT_LoadedExecutable,
    num_outputs: usize,
    /// PJRT's C API cannot tell parameter types, and XLA's CPU client reinterprets a buffer of the
    /// right size and the wrong type; when the caller knows the signature, `run` checks it.
    input_specs: Option<Vec<TensorSpec>>,
    /// Devices each execution runs on (replicas x partitions).
    devices: usize,
}

impl Executable {
    fn query_num_outputs(&self) -> Result<usize, PjrtError> {
        let plugin = &self.client.inner.plugin;
        let mut get = pjrt_args!(PJRT_LoadedExecutable_GetExecutable_Args { loaded_executable: self.raw });
        plugin.call(
            "PJRT_LoadedExecutable_GetExecutable",
            plugin.api().PJRT_LoadedExecutable_GetExecutable,
            &mut get,
        )?;
        let mut count = pjrt_args!(PJRT_Executable_NumOutputs_Args { executable: get.executable });
        let counted = plugin.call("PJRT_Executable_NumOutputs", plugin.api().PJRT_Executable_NumOutputs, &mut count);
        let mut destroy = pjrt_args!(PJRT_Executable_Destroy_Args { executable: get.executable });
        plugin.call("PJRT_Executable_Destroy", plugin.api().PJRT_Executable_Destroy, &mut destroy)?;
        counted?;
        Ok(count.num_outputs)
    }

    pub fn num_outputs(&self) -> usize {
        self.num_outputs
    }

    /// Devices each execution runs on.
    pub fn devices(&self) -> usize {
        self.devices
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Declares the argument types (from the module's signature) so `run` rejects mismatched inputs.
    pub fn with_input_specs(mut self, specs: Vec<TensorSpec>) -> Self {
        self.input_specs = Some(specs);
        self
    }

    fn check_inputs(&self, inputs: &[HostArray]) -> Result<(), PjrtError> {
        let Some(specs) = &self.input_specs else {
            return Ok(());
        };
        if specs.len() != inputs.len() {
            return Err(PjrtError::Usage(format!("the module takes {} inputs, {} given", specs.len(), inputs.len())));
        }
        for (i, (spec, input)) in specs.iter().zip(inputs).enumerate() {
            let given = TensorSpec { dtype: input.dtype(), shape: input.shape().to_vec() };
            if *spec != given {
                return Err(PjrtError::Usage(format!("input {i}: the module expects {spec}, got {given}")));
            }
        }
        Ok(())
    }

    /// Runs on device buffers (on the first device); waits until the device is done.
    pub fn execute(&self, arguments: &[&Buffer]) -> Result<Vec<Buffer>, PjrtError> {
        Ok(self.execute_on_devices(&[arguments.to_vec()])?.into_iter().next().unwrap_or_default())
    }

    /// Runs with one argument list per device (`arguments[d]` on device `d`); returns each device's
    /// outputs once every device is done.
    pub fn execute_on_devices(&self, arguments: &[Vec<&Buffer>]) -> Result<Vec<Vec<Buffer>>, PjrtError> {
        let plugin = &self.client.inner.plugin;
        if arguments.len() != self.devices {
            return Err(PjrtError::Usage(format!(
                "the executable runs on {} devices, {} argument lists given",
                self.devices,
                arguments.len()
            )));
        }
        let argument_lists: Vec<Vec<*mut sys::PJRT_Buffer>> =
            arguments.iter().map(|list| list.iter().map(|b| b.raw).collect()).collect();
        let argument_pointers: Vec<*const *mut sys::PJRT_Buffer> = argument_lists.iter().map(|l| l.as_ptr()).collect();
        let mut outputs: Vec<Vec<*mut sys::PJRT_Buffer>> =
            (0..self.devices).map(|_| vec![std::ptr::null_mut(); self.num_outputs]).collect();
        let output_pointers: Vec<*mut *mut sys::PJRT_Buffer> = outputs.iter_mut().map(|l| l.as_mut_ptr()).collect();
        let mut done: Vec<*mut sys::PJRT_Event> = vec![std::ptr::null_mut(); self.devices];
        let mut options = pjrt_args!(PJRT_ExecuteOptions {});
        let mut args = pjrt_args!(PJRT_LoadedExecutable_Execute_Args {
            executable: self.raw,
            options: &mut options,
            argument_lists: argument_pointers.as_ptr(),
            num_devices: self.devices,
            num_args: argument_lists.first().map_or(0, Vec::len),
            output_lists: output_pointers.as_ptr(),
            device_complete_events: done.as_mut_ptr(),
        });
        plugin.call("PJRT_LoadedExecutable_Execute", plugin.api().PJRT_LoadedExecutable_Execute, &mut args)?;
        let buffers: Vec<Vec<Buffer>> = outputs
            .into_iter()
            .map(|list| {
                list.into_iter()
                    .filter(|raw| !raw.is_null())
                    .map(|raw| Buffer { client: self.client.clone(), raw })
                    .collect()
            })
            .collect();
        for event in done {
            plugin.await_event("PJRT_Event_Await (execute)", event)?;
        }
        Ok(buffers)
    }

    /// Copies `inputs` to every device the executable runs on, runs, and copies the first device's
    /// outputs back (a multi-device program's outputs are replicated: `scalify_dialect::spmd`).
    pub fn run(&self, inputs: &[HostArray]) -> Result<Vec<HostArray>, PjrtError> {
        self.check_inputs(inputs)?;
        let outputs = self.execute_uploaded(&self.upload(inputs)?)?;
        outputs.into_iter().next().unwrap_or_default().iter().map(Buffer::to_host).collect()
    }

    /// `inputs` copied to every device the executable runs on: one list per device.
    pub fn upload(&self, inputs: &[HostArray]) -> Result<Vec<Vec<Buffer>>, PjrtError> {
        (0..self.devices).map(|device| inputs.iter().map(|a| self.client.to_device_at(a, device)).collect()).collect()
    }

    /// Runs on what `upload` returned; each device's outputs.
    pub fn execute_uploaded(&self, uploaded: &[Vec<Buffer>]) -> Result<Vec<Vec<Buffer>>, PjrtError> {
        let arguments: Vec<Vec<&Buffer>> = uploaded.iter().map(|list| list.iter().collect()).collect();
        self.execute_on_devices(&arguments)
    }
}

impl Drop for Executable {
    fn drop(&mut self) {
        let plugin = &self.client.inner.plugin;
        let mut args = pjrt_args!(PJRT_LoadedExecutable_Destroy_Args { executable: self.raw });
        let _ = plugin.call("PJRT_LoadedExecutable_Destroy", plugin.api().PJRT_LoadedExecutable_Destroy, &mut args);
    }
}

/// An array on the device.
pub struct Buffer {
    client: Client,
    raw: *mut sys::PJRT_Buffer,
}

impl Buffer {
    pub fn dtype(&self) -> Result<DType, PjrtError> {
        let plugin = &self.client.inner.plugin;
        let mut args = pjrt_args!(PJRT_Buffer_ElementType_Args { buffer: self.raw });
        plugin.call("PJRT_Buffer_ElementType", plugin.api().PJRT_Buffer_ElementType, &mut args)?;
        DType::from_pjrt(args.type_)
            .ok_or_else(|| PjrtError::Usage(format!("unsupported PJRT element type {}", args.type_)))
    }

    pub fn shape(&self) -> Result<Vec<i64>, PjrtError> {
        let plugin = &self.client.inner.plugin;
        let mut args = pjrt_args!(PJRT_Buffer_Dimensions_Args { buffer: self.raw });
        plugin.call("PJRT_Buffer_Dimensions", plugin.api().PJRT_Buffer_Dimensions, &mut args)?;
        if args.num_dims == 0 {
            return Ok(Vec::new());
        }
        Ok(unsafe { std::slice::from_raw_parts(args.dims, args.num_dims) }.to_vec())
    }

    /// Copies the buffer to a new host array (row-major).
    pub fn to_host(&self) -> Result<HostArray, PjrtError> {
        let plugin = &self.client.inner.plugin;
        let dtype = self.dtype()?;
        let shape = self.shape()?;
        let size = shape.iter().product::<i64>() as usize * dtype.size();
        let mut bytes = vec![0u8; size];
        let mut args = pjrt_args!(PJRT_Buffer_ToHostBuffer_Args {
            src: self.raw,
            dst: bytes.as_mut_ptr() as *mut c_void,
            dst_size: size,
        });
        plugin.call("PJRT_Buffer_ToHostBuffer", plugin.api().PJRT_Buffer_ToHostBuffer, &mut args)?;
        plugin.await_event("PJRT_Event_Await (device-to-host)", args.event)?;
        HostArray::new(dtype, shape, bytes).map_err(|e| PjrtError::Usage(e.to_string()))
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        let plugin = &self.client.inner.plugin;
        let mut args = pjrt_args!(PJRT_Buffer_Destroy_Args { buffer: self.raw });
        let _ = plugin.call("PJRT_Buffer_Destroy", plugin.api().PJRT_Buffer_Destroy, &mut args);
    }
}
